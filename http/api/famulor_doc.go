package api

import (
	"reflect"

	"github.com/switchboard-voice/switchboard/assistant/famulor"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// The Famulor view's operations and models.

var (
	famulorMessageModel = response[famulorMessage]("FamulorMessage", "Famulor's (Laravel's) message body.", nil)
	famulorInvalidModel = response[famulorInvalid]("FamulorValidationError",
		"Laravel's 422: every problem, keyed by the Famulor field (tools.0.phone_number for array items).", nil)
	famulorOneModel = response[famulorOne]("FamulorAssistantResource",
		"{data}: an assistant as Famulor's list shows it, every field Famulor writes take read back from the configuration. "+
			"Fields Switchboard does not run always read null, false, [] or their one accepted value.", nil)
	famulorSavedModel = response[famulorSaved]("FamulorSaved", "A create's or update's confirmation.", nil)
	famulorPageModel  = response[famulorPageBody]("FamulorAssistantPage", "Laravel's paginator of assistants.", nil)
	famulorWriteModel = &openapi.Model{Name: "FamulorAssistantWrite",
		Description: "A Famulor create or update body: the fields of FamulorAssistant but the list's extras " +
			"(id, uuid, user_id, status, language, created_at, updated_at), with tools written flat " +
			"({type, ...data}). An update changes only the fields sent; null clears; arrays and objects replace. " +
			"A create requires name, voice_id, language_id, type, mode, timezone, initial_message, system_prompt and llm_model_id. " +
			"Fields Switchboard does not run are refused with a 422 naming them unless they carry the value that " +
			"describes what Switchboard does (README: Famulor).",
		Schema: viewWrite(typeddoc.JSONSchema(reflect.TypeFor[famulor.Assistant](), typeddoc.Response, nil), nil,
			map[string]openapi.Schema{"tools": {"type": []any{"array", "null"}, "maxItems": 20, "items": openapi.Schema{
				"type": "object", "required": []any{"type"}, "description": "A built-in tool, flat: {type, ...its data}.",
				"properties": openapi.Schema{"type": openapi.Schema{"type": "string", "enum": []any{"end_call", "call_transfer",
					"dtmf_input", "collect_keypad", "assistant_transfer", "warm_call_transfer", "calendar_integration"}}}}},
				"variables": {"type": []any{"object", "null"}, "additionalProperties": openapi.Schema{"type": "string"}}})}

	famulorIDParam     = openapi.PathParam("id", "The assistant's id.", idSchema)
	famulorNotFound404 = openapi.JSON("No such assistant in your organization.", famulorMessageModel)
	famulorInvalid422  = openapi.JSON("A field is invalid or not supported; every problem is listed.", famulorInvalidModel)
	famulorCatalog     = func(name, description string, t reflect.Type) *openapi.Model {
		return &openapi.Model{Name: name, Description: description, Schema: typeddoc.JSONSchema(t, typeddoc.Response, nil)}
	}
	famulorLanguagesModel  = famulorCatalog("FamulorLanguages", "The languages assistants can speak.", reflect.TypeFor[[]famulor.Language]())
	famulorVoicesModel     = famulorCatalog("FamulorVoices", "The voices of the pipeline mode.", reflect.TypeFor[[]famulor.Voice]())
	famulorModelsModel     = famulorCatalog("FamulorModels", "The language models of the pipeline mode.", reflect.TypeFor[[]famulor.Model]())
	famulorProvidersModel  = famulorCatalog("FamulorProviders", "Synthesizer or transcriber providers.", reflect.TypeFor[[]famulor.Provider]())
	famulorAssistantsModel = famulorCatalog("FamulorAssistants", "Every assistant, newest first.", reflect.TypeFor[[]famulor.Assistant]())

	docFamulorCreate = openapi.Operation{ID: "famulorCreateAssistant", Summary: "Famulor: create an assistant",
		Body:      &openapi.Body{Model: famulorWriteModel, Required: true},
		Responses: map[int]openapi.Response{201: openapi.JSON("Created.", famulorSavedModel), 422: famulorInvalid422}}
	docFamulorUpdate = openapi.Operation{ID: "famulorUpdateAssistant", Summary: "Famulor: update an assistant",
		Params: []openapi.Param{famulorIDParam}, Body: &openapi.Body{Model: famulorWriteModel, Required: true},
		Responses: map[int]openapi.Response{200: openapi.JSON("Updated.", famulorSavedModel), 404: famulorNotFound404, 422: famulorInvalid422}}
	docFamulorGet = openapi.Operation{ID: "famulorGetAssistant", Summary: "Famulor: get an assistant (Switchboard's addition)",
		Params:    []openapi.Param{famulorIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("The assistant.", famulorOneModel), 404: famulorNotFound404}}
	docFamulorDelete = openapi.Operation{ID: "famulorDeleteAssistant", Summary: "Famulor: delete an assistant",
		Params:    []openapi.Param{famulorIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("Deleted.", famulorMessageModel), 404: famulorNotFound404}}
	docFamulorPage = openapi.Operation{ID: "famulorListAssistants", Summary: "Famulor: list assistants, paginated",
		Params: []openapi.Param{
			openapi.QueryParam("per_page", "Items per page, 1–100 (10).", openapi.Schema{"type": "integer", "minimum": 1, "maximum": 100}),
			openapi.QueryParam("page", "The page, from 1.", openapi.Schema{"type": "integer", "minimum": 1})},
		Responses: map[int]openapi.Response{200: openapi.JSON("One page.", famulorPageModel), 422: famulorInvalid422}}
	docFamulorAll = openapi.Operation{ID: "famulorAllAssistants", Summary: "Famulor: every assistant, as a bare array",
		Responses: map[int]openapi.Response{200: openapi.JSON("The assistants.", famulorAssistantsModel)}}
	docFamulorOutbound = openapi.Operation{ID: "famulorOutboundAssistants", Summary: "Famulor: the outbound assistants, as a bare array",
		Responses: map[int]openapi.Response{200: openapi.JSON("The assistants whose type is outbound.", famulorAssistantsModel)}}
	docFamulorLanguages = openapi.Operation{ID: "famulorLanguages", Summary: "Famulor: languages",
		Responses: map[int]openapi.Response{200: openapi.JSON("The languages.", famulorLanguagesModel)}}
	docFamulorVoices = openapi.Operation{ID: "famulorVoices", Summary: "Famulor: voices",
		Params: []openapi.Param{
			openapi.QueryParam("mode", "pipeline (the only mode with voices here), multimodal or dualplex.", openapi.Schema{"type": "string"}),
			openapi.QueryParam("language_id", "Only voices that speak this language.", openapi.Schema{"type": "integer"})},
		Responses: map[int]openapi.Response{200: openapi.JSON("The voices.", famulorVoicesModel), 422: famulorInvalid422}}
	docFamulorModels = openapi.Operation{ID: "famulorModels", Summary: "Famulor: language models",
		Params:    []openapi.Param{openapi.QueryParam("type", "llm (default); multimodal and dualplex list none.", openapi.Schema{"type": "string"})},
		Responses: map[int]openapi.Response{200: openapi.JSON("The models.", famulorModelsModel)}}
	docFamulorSynthesizers = openapi.Operation{ID: "famulorSynthesizerProviders", Summary: "Famulor: synthesizer providers",
		Responses: map[int]openapi.Response{200: openapi.JSON("The providers.", famulorProvidersModel)}}
	docFamulorMe = openapi.Operation{ID: "famulorMe", Summary: "Famulor: the key's account (its clients' key check)",
		Responses: map[int]openapi.Response{200: openapi.JSON("The organization's name, the user's email; total_balance is null (nothing is billed).",
			response[famulorAccount]("FamulorAccount", "Who the API key belongs to.", nil))}}
	famulorToggleModel = &openapi.Model{Name: "FamulorWebhookToggle", Description: "{assistant_id, webhook_url?}.",
		Schema: viewWrite(typeddoc.JSONSchema(reflect.TypeFor[famulorToggle](), typeddoc.Response, nil), []string{"assistant_id"}, nil)}
	famulorToggledModel    = response[famulorToggled]("FamulorWebhookToggled", "A toggle's confirmation.", nil)
	docFamulorTranscribers = openapi.Operation{ID: "famulorTranscriberProviders", Summary: "Famulor: transcriber providers",
		Responses: map[int]openapi.Response{200: openapi.JSON("The providers.", famulorProvidersModel)}}
)

// docFamulorToggle is a webhook toggle's operation.
var (
	docFamulorEnableWebhook = openapi.Operation{ID: "famulor-enable-webhook",
		Summary: "Famulor: turn the post-call webhook on, to webhook_url (Famulor's payload, after each call)",
		Body:    &openapi.Body{Model: famulorToggleModel, Required: true},
		Responses: map[int]openapi.Response{200: openapi.JSON("Enabled.", famulorToggledModel),
			404: famulorNotFound404, 422: famulorInvalid422}}
	docFamulorDisableWebhook = openapi.Operation{ID: "famulor-disable-webhook",
		Summary: "Famulor: turn the post-call webhook off (its URL is kept)",
		Body:    &openapi.Body{Model: famulorToggleModel, Required: true},
		Responses: map[int]openapi.Response{200: openapi.JSON("Disabled.", famulorToggledModel),
			404: famulorNotFound404, 422: famulorInvalid422}}
)

func docFamulorRefusedToggle(name, why string) openapi.Operation {
	return openapi.Operation{ID: "famulor-" + name, Summary: "Famulor: " + name + " (enabling is refused: " + why + ")",
		Body: &openapi.Body{Model: famulorToggleModel, Required: true},
		Responses: map[int]openapi.Response{200: openapi.JSON("Disabled (this webhook is never sent).", famulorToggledModel),
			404: famulorNotFound404, 422: famulorInvalid422}}
}

var (
	famulorCallModel = &openapi.Model{Name: "FamulorMakeCall", Description: "An outbound call to place.",
		Schema: openapi.Schema{"type": "object", "required": []string{"phone_number", "assistant_id"}, "additionalProperties": false,
			"properties": map[string]any{
				"phone_number": map[string]any{"type": "string", "description": "The number to call, E.164."},
				"assistant_id": map[string]any{"type": []string{"integer", "string"},
					"description": "The assistant's id, or its uuid; it calls from the first phone number assigned to it."},
				"variables": map[string]any{"type": []string{"object", "null"}, "maxProperties": maxCallVariables,
					"description":          "{{name}} values for this call (text, numbers or booleans), over the assistant's own.",
					"additionalProperties": map[string]any{"type": []string{"string", "number", "boolean"}}},
			}}}
	docFamulorMakeCall = openapi.Operation{ID: "famulorMakeCall",
		Summary: "Famulor: place an outbound call from the assistant's phone number (as POST /api/v1/calls/outbound)",
		Body:    &openapi.Body{Model: famulorCallModel, Required: true},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("Placed: the carrier accepted the call, recorded as queued.", response[famulorPlaced]("FamulorPlacedCall", "A placed call.", nil)),
			404: famulorNotFound404, 422: famulorInvalid422,
			502: openapi.JSON("The carrier did not place the call.", famulorMessageModel)}}
)
