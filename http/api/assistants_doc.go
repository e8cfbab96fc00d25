package api

import "github.com/switchboard-voice/switchboard/http/openapi"

// The assistant routes' operations.

var assistantsTag = openapi.Defaults{Tags: []string{"assistants"}}

var (
	docCreateAssistant = openapi.Operation{
		ID: "createAssistant", Summary: "Create an assistant",
		Description: "Only name is required; every other field gets its documented default.",
		Body:        &openapi.Body{Model: assistantCreateModel, Required: true},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("The new assistant.", assistantModel),
			422: invalid,
		},
	}
	docListAssistants = openapi.Operation{
		ID: "listAssistants", Summary: "List the organization's assistants, newest first",
		Params: append(listLimits.params(),
			openapi.QueryParam("is_active", "Only active (true) or inactive (false) assistants.", openapi.Schema{"type": "boolean"}),
			openapi.QueryParam("search", "Only assistants whose name contains this.", openapi.Schema{"type": "string"})),
		Responses: map[int]openapi.Response{
			200: openapi.JSON("One page of assistants.", assistantPageModel),
			422: invalid,
		},
	}
	docAssistantByPhone = openapi.Operation{
		ID: "getAssistantByPhone", Summary: "Get the assistant a phone number is assigned to",
		Params: []openapi.Param{openapi.PathParam("phone_number", "A phone number of the organization, in E.164 form such as +14155550100.",
			openapi.Schema{"type": "string"})},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The assistant.", assistantModel),
			404: openapi.JSON("The number is not the organization's, or is assigned to no assistant.", errorModel),
		},
	}
	docGetAssistant = openapi.Operation{
		ID: "getAssistant", Summary: "Get an assistant",
		Params: []openapi.Param{assistantIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The assistant.", assistantModel),
			404: notFound("Assistant"),
			422: invalid,
		},
	}
	docPutAssistant = openapi.Operation{
		ID: "updateAssistant", Summary: "Update an assistant",
		Description: "As PATCH: only the fields sent change.",
		Params:      []openapi.Param{assistantIDParam},
		Body:        &openapi.Body{Model: assistantUpdateModel, Required: true},
		Responses:   assistantWriteResponses,
	}
	docPatchAssistant = openapi.Operation{
		ID: "patchAssistant", Summary: "Partially update an assistant",
		Params:    []openapi.Param{assistantIDParam},
		Body:      &openapi.Body{Model: assistantUpdateModel, Required: true},
		Responses: assistantWriteResponses,
	}
	docDeleteAssistant = openapi.Operation{
		ID: "deleteAssistant", Summary: "Delete an assistant",
		Description: "Its phone numbers are unassigned.",
		Params:      []openapi.Param{assistantIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("Deleted.", messageModel),
			404: notFound("Assistant"),
			422: invalid,
		},
	}
	docAssistantStatus = openapi.Operation{
		ID: "setAssistantStatus", Summary: "Activate or deactivate an assistant",
		Description: "The new status is the is_active query parameter, or else the body's is_active.",
		Params: []openapi.Param{assistantIDParam,
			openapi.QueryParam("is_active", "The new status.", openapi.Schema{"type": "boolean"})},
		Body:      &openapi.Body{Model: statusModel},
		Responses: assistantWriteResponses,
	}
	docListHistory = openapi.Operation{
		ID: "listSettingsHistory", Summary: "List an assistant's settings history, newest first",
		Params: append([]openapi.Param{assistantIDParam}, historyLimits.params()...),
		Responses: map[int]openapi.Response{
			200: openapi.JSON("One page of history entries.", historyPageModel),
			404: notFound("Assistant"),
			422: invalid,
		},
	}
	docGetHistory = openapi.Operation{
		ID: "getSettingsHistoryEntry", Summary: "Get one settings-history entry",
		Params: []openapi.Param{assistantIDParam, versionIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The entry.", historyModel),
			404: notFound("The assistant or the entry"),
			422: invalid,
		},
	}
	docRollback = openapi.Operation{
		ID: "rollbackAssistant", Summary: "Restore the configuration an entry holds",
		Description: "The rollback is itself a change: it gets a version and a history entry.",
		Params:      []openapi.Param{assistantIDParam, versionIDParam},
		Body:        &openapi.Body{Model: rollbackModel},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The assistant as restored.", assistantModel),
			404: notFound("The assistant or the entry"),
			422: invalid,
		},
	}
	docAssistantNumbers = openapi.Operation{
		ID: "listAssistantPhoneNumbers", Summary: "List the phone numbers assigned to an assistant, oldest first",
		Params: append([]openapi.Param{assistantIDParam}, listLimits.params()...),
		Responses: map[int]openapi.Response{
			200: openapi.JSON("One page of phone numbers.", numberPageModel),
			404: notFound("Assistant"),
			422: invalid,
		},
	}
	docAssignToAssistant = openapi.Operation{
		ID: "assignPhoneNumberToAssistant", Summary: "Assign a phone number to an assistant",
		Params:    []openapi.Param{assistantIDParam, numberIDParam},
		Responses: numberWriteResponses,
	}
	docUnassignFromAssistant = openapi.Operation{
		ID: "unassignPhoneNumberFromAssistant", Summary: "Unassign a phone number from an assistant",
		Params: []openapi.Param{assistantIDParam, numberIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The number, now unassigned.", numberModel),
			404: openapi.JSON("The number is not the organization's or not assigned to this assistant.", errorModel),
			422: invalid,
		},
	}
)

var assistantWriteResponses = map[int]openapi.Response{
	200: openapi.JSON("The assistant as changed.", assistantModel),
	404: notFound("Assistant"),
	422: invalid,
}
