package api

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The API-key routes' operations.

var keysTag = openapi.Defaults{Tags: []string{"api-keys"}, Responses: map[int]openapi.Response{
	403: openapi.JSON("Only organization admins manage API keys.", errorModel),
}}

var (
	keyIDParam = openapi.PathParam("key_id", "The API key's id.", idSchema)

	apiKeyModel = response[persistence.APIKey]("APIKey",
		"An API key as kept: its display prefix, never the key. status is active, revoked or expired.", nil)
	apiKeyPageModel    = pageOf[persistence.APIKey]("APIKeyPage", apiKeyModel)
	apiKeyCreatedModel = &openapi.Model{Name: "APIKeyCreated",
		Description: "A new key: key is shown this once.",
		Schema: openapi.Schema{"type": "object", "required": []any{"api_key", "key"}, "additionalProperties": false,
			"properties": map[string]any{"api_key": openapi.Ref(apiKeyModel), "key": map[string]any{"type": "string"}}},
		Refs: []*openapi.Model{apiKeyModel}}
	apiKeyCreateModel = apiKeyCreateBody.model("APIKeyCreate",
		"A key to issue to the caller's user; expires_at is an RFC 3339 time in the future (absent or null: never).")
	apiKeyRenameModel = apiKeyRenameBody.model("APIKeyRename", "A key's new name.")

	revokeDescription = "The key stops working at once on the node that revoked it, and within a second on every other " +
		"(nodes re-read a key at most once a second). The key is kept, revoked, so what it did stays attributable."

	docListMyKeys = openapi.Operation{
		ID: "listMyAPIKeys", Summary: "List the caller's API keys, newest first (Burki's path)",
		Params: listLimits.params(),
		Responses: map[int]openapi.Response{
			200: openapi.JSON("One page of keys.", apiKeyPageModel),
			422: invalid,
		},
	}
	docListKeys = openapi.Operation{
		ID: "listAPIKeys", Summary: "List every API key of the organization, newest first",
		Params: listLimits.params(),
		Responses: map[int]openapi.Response{
			200: openapi.JSON("One page of keys.", apiKeyPageModel),
			422: invalid,
		},
	}
	docCreateKey = openapi.Operation{
		ID: "createAPIKey", Summary: "Issue an API key to the caller's user",
		Description: "The response is the only time the key is shown; it is stored as a SHA-256 digest.",
		Body:        &openapi.Body{Model: apiKeyCreateModel, Required: true},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("The key, shown once.", apiKeyCreatedModel),
			422: invalid,
		},
	}
	docRenameMyKey = openapi.Operation{
		ID: "renameMyAPIKey", Summary: "Rename one of the caller's API keys (Burki's path)",
		Params: []openapi.Param{keyIDParam},
		Body:   &openapi.Body{Model: apiKeyRenameModel, Required: true},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The key.", apiKeyModel),
			404: notFound("API key"),
			422: invalid,
		},
	}
	docRenameKey = openapi.Operation{
		ID: "renameAPIKey", Summary: "Rename an API key of the organization",
		Params: []openapi.Param{keyIDParam},
		Body:   &openapi.Body{Model: apiKeyRenameModel, Required: true},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The key.", apiKeyModel),
			404: notFound("API key"),
			422: invalid,
		},
	}
	docRevokeMyKey = openapi.Operation{
		ID: "revokeMyAPIKey", Summary: "Revoke one of the caller's API keys (Burki's path)", Description: revokeDescription,
		Params: []openapi.Param{keyIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The key is revoked.", messageModel),
			404: notFound("API key"),
			422: invalid,
		},
	}
	docRevokeKey = openapi.Operation{
		ID: "revokeAPIKey", Summary: "Revoke an API key of the organization", Description: revokeDescription,
		Params: []openapi.Param{keyIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The key is revoked.", messageModel),
			404: notFound("API key"),
			422: invalid,
		},
	}
)
