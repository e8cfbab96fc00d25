package api

import (
	"strings"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/providers"
)

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
		Params: append(listLimits.params(), assistantFilterParams...),
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

// csvSchema describes a CSV export: a header row naming columns, then a row an item.
func csvSchema(columns []string) openapi.Schema {
	return openapi.Schema{"type": "string", "contentMediaType": "text/csv",
		"description": "A header row (" + strings.Join(columns, ", ") + "), then one row an item."}
}

// listOf is the model of a JSON array of item.
func listOf(name string, item *openapi.Model) *openapi.Model {
	return &openapi.Model{Name: name, Description: "Every item, in one array.",
		Schema: openapi.Schema{"type": "array", "items": openapi.Ref(item)}, Refs: []*openapi.Model{item}}
}

var (
	assistantFilterParams = []openapi.Param{
		openapi.QueryParam("is_active", "Only active (true) or inactive (false) assistants.", openapi.Schema{"type": "boolean"}),
		openapi.QueryParam("search", "Only assistants whose name contains this.", openapi.Schema{"type": "string"}),
	}
	countModel          = response[countBody]("Count", "How many items match.", nil)
	assistantListModel  = listOf("AssistantList", assistantModel)
	duplicateModel      = duplicateBody.model("AssistantDuplicate", "The copy's name; by default the original's with \" (copy)\".")
	providerOffersModel = response[providers.Offers]("ProviderOffers",
		"Every LLM, STT and TTS provider an assistant may name, and whether the organization's assistants can use it "+
			"on this engine without their own key: available when the organization's provider_keys or the engine's "+
			"environment hold a key, or the engine points the provider at its own endpoint.", nil)

	docCountAssistants = openapi.Operation{
		ID: "countAssistants", Summary: "Count the organization's assistants (Burki's path)",
		Params: assistantFilterParams,
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The count.", countModel),
			422: invalid,
		},
	}
	docExportAssistants = openapi.Operation{
		ID: "exportAssistants", Summary: "Export the organization's assistants as CSV or JSON, newest first (Burki's path)",
		Description: "Streamed. JSON items are assistant objects (secrets masked); CSV rows hold the columns that tell assistants apart, never a secret.",
		Params:      append([]openapi.Param{formatParam}, assistantFilterParams...),
		Responses: map[int]openapi.Response{
			200: {Description: "The assistants.", Model: assistantListModel,
				Alternatives: map[string]openapi.Schema{"text/csv": csvSchema(assistantColumns)}},
			422: invalid,
		},
	}
	docAssistantProviders = openapi.Operation{
		ID: "listAssistantProviders", Summary: "What providers the organization's assistants can run here (Burki's path)",
		Responses: map[int]openapi.Response{200: openapi.JSON("The providers, by kind.", providerOffersModel)},
	}
	docDuplicateAssistant = openapi.Operation{
		ID: "duplicateAssistant", Summary: "Duplicate an assistant (Burki's path)",
		Description: "The copy has the original's configuration, secrets included; phone numbers stay with the original. " +
			"Its settings history starts afresh.",
		Params: []openapi.Param{assistantIDParam},
		Body:   &openapi.Body{Model: duplicateModel},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("The copy.", assistantModel),
			404: notFound("Assistant"),
			422: invalid,
		},
	}
)
