package api

import "github.com/switchboard-voice/switchboard/http/openapi"

// The organization routes' operations.

var organizationTag = []string{"organization"}

var (
	onlyAdmins = openapi.JSON("Only organization admins change organization settings.", errorModel)

	docGetOrganization = openapi.Operation{
		ID: "getOrganization", Tags: organizationTag, Summary: "Get the caller's organization and its settings",
		Responses: map[int]openapi.Response{200: openapi.JSON("The organization.", organizationModel)},
	}
	docGetMyOrganization = openapi.Operation{
		ID: "getMyOrganization", Tags: organizationTag, Summary: "Get the caller's organization (Burki's path)",
		Responses: map[int]openapi.Response{200: openapi.JSON("The organization.", organizationModel)},
	}
	docUpdateOrganization = openapi.Operation{
		ID: "updateOrganization", Tags: organizationTag, Summary: "Change the organization's settings",
		Body: &openapi.Body{Model: organizationUpdateModel, Required: true},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The organization as changed.", organizationModel),
			403: onlyAdmins,
			422: invalid,
		},
	}
	docReplaceOrganization = openapi.Operation{
		ID: "replaceOrganization", Tags: organizationTag, Summary: "Replace the organization's settings (Burki's PUT)",
		Description: "The writable settings become the body's: those left out return to a new organization's defaults. " +
			"A secret sent back masked keeps its stored value; the webhook secret is kept.",
		Body: &openapi.Body{Model: organizationReplaceModel, Required: true},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The organization as replaced.", organizationModel),
			403: onlyAdmins,
			422: invalid,
		},
	}
	docRotateWebhookSecret = openapi.Operation{
		ID: "rotateWebhookSecret", Tags: organizationTag, Summary: "Replace the webhook signing secret",
		Description: "The response is the only time the new secret is shown.",
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The new secret.", webhookSecretModel),
			403: onlyAdmins,
		},
	}
)
