package api

import (
	"reflect"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// The VoiceDock view's operations and models.

var (
	voiceDockErrorModel = response[voiceDockError]("VoiceDockError",
		"VoiceDock's flat error: error, and for validation every problem in details (\"field.path: problem\").", nil)
	voiceDockAssistantModel = response[voiceDockBody]("VoiceDockAssistant",
		"{assistant}: an assistant as VoiceDock shows it, read from the configuration; id is the assistant's UUID. "+
			"Fields Switchboard does not run always read null, false or their one accepted value.", nil)
	voiceDockListModel  = response[voiceDockListBody]("VoiceDockAssistants", "{assistants}: every assistant, newest first.", nil)
	voiceDockWriteModel = &openapi.Model{Name: "VoiceDockAssistantWrite",
		Description: "A VoiceDock create or PATCH body: the fields of the assistant object (id, created_at and updated_at are ignored). " +
			"Only name is required on create; the rest get Switchboard's defaults. A PATCH changes only the fields sent; nested " +
			"objects merge; arrays replace; the analysis schema and tool parameters are replaced whole. llm_config.tools also take " +
			"OpenAI's nested form {type: function, function: {name, description, parameters}}. Fields Switchboard does not run " +
			"are refused with a 400 naming them unless they carry the value that describes what Switchboard does (README: VoiceDock).",
		Schema: viewWrite(typeddoc.JSONSchema(reflect.TypeFor[voiceDockBody](), typeddoc.Response, nil)["properties"].(map[string]any)["assistant"].(map[string]any), nil,
			map[string]openapi.Schema{
				"llm_config.tools": {"type": []any{"array", "null"}, "maxItems": 50, "items": openapi.Schema{"type": "object",
					"description": "{name, description, url, parameters} or OpenAI's {type: function, function: {name, description, parameters}, server: {url}}."}},
				"analysis_plan.structured_data_plan.schema": {"type": []any{"object", "null"}, "description": "A JSON Schema, replaced whole."},
			})}

	voiceDockUUIDParam   = openapi.PathParam("uuid", "The assistant's UUID.", openapi.Schema{"type": "string", "format": "uuid"})
	voiceDockNotFound404 = openapi.JSON("No such assistant in your organization.", voiceDockErrorModel)
	voiceDockInvalid400  = openapi.JSON("A field is invalid or not supported; every problem is in details.", voiceDockErrorModel)
)

// voiceDockOps are the operations of one mount (assistants, or agents, its
// deprecated alias).
type voiceDockOps struct{ list, create, get, update, delete openapi.Operation }

func voiceDockDocs(alias bool) voiceDockOps {
	prefix, summary := "voiceDock", "VoiceDock: "
	if alias {
		prefix, summary = "voiceDockAgents", "VoiceDock (deprecated alias agents): "
	}
	op := func(id, s string, params []openapi.Param, body bool, responses map[int]openapi.Response) openapi.Operation {
		o := openapi.Operation{ID: prefix + id, Summary: summary + s, Params: params, Responses: responses, Deprecated: alias}
		if body {
			o.Body = &openapi.Body{Model: voiceDockWriteModel, Required: true}
		}
		return o
	}
	uuid := []openapi.Param{voiceDockUUIDParam}
	return voiceDockOps{
		list:   op("ListAssistants", "list assistants", nil, false, map[int]openapi.Response{200: openapi.JSON("The assistants.", voiceDockListModel)}),
		create: op("CreateAssistant", "create an assistant", nil, true, map[int]openapi.Response{201: openapi.JSON("Created.", voiceDockAssistantModel), 400: voiceDockInvalid400}),
		get:    op("GetAssistant", "get an assistant", uuid, false, map[int]openapi.Response{200: openapi.JSON("The assistant.", voiceDockAssistantModel), 404: voiceDockNotFound404}),
		update: op("UpdateAssistant", "update an assistant", uuid, true, map[int]openapi.Response{200: openapi.JSON("Updated.", voiceDockAssistantModel), 400: voiceDockInvalid400, 404: voiceDockNotFound404}),
		delete: op("DeleteAssistant", "delete an assistant", uuid, false, map[int]openapi.Response{204: {Description: "Deleted."}, 404: voiceDockNotFound404}),
	}
}
