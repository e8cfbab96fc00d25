package api

import "github.com/switchboard-voice/switchboard/http/openapi"

// Info heads the API's OpenAPI document.
var Info = openapi.Info{
	Title:   "Switchboard",
	Version: "1.0.0",
	Description: "Switchboard's admin REST API, compatible with Burki's assistants API. " +
		"Every /api route takes an API key as a bearer token and sees only the key's organization: " +
		"another organization's resource is a 404, exactly like one that does not exist. " +
		`Errors are JSON: {"detail": "..."}, or for invalid input a 422 listing every problem.`,
}

// apiKey is how every /api route authenticates.
var apiKey = &openapi.SecurityScheme{
	ID: "apiKey", Type: "http", Scheme: "bearer",
	Description: "An API key of a user in the organization: Authorization: Bearer <key>.",
}

// authenticated describes what the authenticate middleware adds to every
// route behind it.
var authenticated = openapi.Defaults{
	Security: []*openapi.SecurityScheme{apiKey},
	Responses: map[int]openapi.Response{
		401: openapi.JSON("No API key, or an unknown or inactive one.", errorModel),
		503: openapi.JSON("A dependency (the database) is unavailable; retry shortly.", errorModel),
	},
}

// Shared parameters and responses of the operations.
var (
	idSchema         = openapi.Schema{"type": "integer", "format": "int64", "minimum": 1}
	assistantIDParam = openapi.PathParam("assistant_id", "The assistant's id.", idSchema)
	numberIDParam    = openapi.PathParam("phone_number_id", "The phone number's id.", idSchema)
	versionIDParam   = openapi.PathParam("version_id", "The settings-history entry's id.", idSchema)

	invalid = openapi.JSON("A parameter or the body is invalid; every problem is listed.", validationModel)
)

// notFound is a 404 of what is not in the caller's organization.
func notFound(what string) openapi.Response {
	return openapi.JSON(what+" not found in your organization.", errorModel)
}
