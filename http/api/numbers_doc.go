package api

import "github.com/switchboard-voice/switchboard/http/openapi"

// The phone-number routes' operations.

var numbersTag = openapi.Defaults{Tags: []string{"phone-numbers"}}

var (
	docCreateNumber = openapi.Operation{
		ID: "createPhoneNumber", Summary: "Add a phone number",
		Body: &openapi.Body{Model: numberCreateModel, Required: true},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("The number.", numberModel),
			409: openapi.JSON("The number is already registered (by any organization).", errorModel),
			422: openapi.JSON("The body is invalid, or assistant_id is not an assistant of the organization.", validationModel),
		},
	}
	docListNumbers = openapi.Operation{
		ID: "listPhoneNumbers", Summary: "List the organization's phone numbers, oldest first",
		Params: append(listLimits.params(),
			openapi.QueryParam("assistant_id", "Only the numbers assigned to this assistant.", openapi.Schema{"type": "integer", "format": "int64"})),
		Responses: map[int]openapi.Response{
			200: openapi.JSON("One page of phone numbers.", numberPageModel),
			422: invalid,
		},
	}
	docGetNumber = openapi.Operation{
		ID: "getPhoneNumber", Summary: "Get a phone number",
		Params: []openapi.Param{numberIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The number.", numberModel),
			404: notFound("Phone number"),
			422: invalid,
		},
	}
	docUpdateNumber = openapi.Operation{
		ID: "updatePhoneNumber", Summary: "Change a phone number's name, status or assistant",
		Params:    []openapi.Param{numberIDParam},
		Body:      &openapi.Body{Model: numberUpdateModel, Required: true},
		Responses: numberWriteResponses,
	}
	docDeleteNumber = openapi.Operation{
		ID: "deletePhoneNumber", Summary: "Remove a phone number",
		Params: []openapi.Param{numberIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("Removed.", messageModel),
			404: notFound("Phone number"),
			422: invalid,
		},
	}
	docAssignNumber = openapi.Operation{
		ID: "assignPhoneNumber", Summary: "Assign a phone number to an assistant",
		Params:    []openapi.Param{numberIDParam},
		Body:      &openapi.Body{Model: numberAssignModel, Required: true},
		Responses: numberWriteResponses,
	}
	docUnassignNumber = openapi.Operation{
		ID: "unassignPhoneNumber", Summary: "Unassign a phone number",
		Params: []openapi.Param{numberIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The number, now unassigned.", numberModel),
			404: notFound("Phone number"),
			422: invalid,
		},
	}
)

var numberWriteResponses = map[int]openapi.Response{
	200: openapi.JSON("The number as changed.", numberModel),
	404: notFound("Phone number"),
	422: openapi.JSON("A parameter or the body is invalid, or the assistant is not the organization's.", validationModel),
}
