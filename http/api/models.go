package api

import (
	"reflect"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The API's request and response schemas, derived from the types the
// handlers read and write, so that the document follows the code.

// mergeRules is how assistant and organization writes apply.
const mergeRules = "Only the fields sent change: nested objects merge field by field, " +
	"free-form objects key by key (a null key is removed), arrays are replaced, and null resets a field to its default. " +
	"Every problem is reported at once in a 422."

var (
	errorModel = response[server.Message]("Error",
		"An error, described for people.", nil)
	validationModel = response[validationBody]("ValidationError",
		"FastAPI's validation error: every problem with the request, each located by loc "+
			`(its first element is "path", "query" or "body", then keys and array indexes).`, nil)
	messageModel = response[messageBody]("Message", "A deletion's confirmation.", nil)

	assistantModel = response[assistant.View]("Assistant",
		"An assistant: Burki's assistant object plus version, which increases with every change. "+
			"Secrets are always shown as "+assistant.Mask+".", assistant.Schema())
	assistantPageModel   = pageOf[assistant.View]("AssistantPage", assistantModel)
	assistantCreateModel = &openapi.Model{Name: "AssistantCreate",
		Description: "A new assistant: fields left out get their defaults. " + mergeRules,
		Schema:      assistantWrite(typeddoc.Create)}
	assistantUpdateModel = &openapi.Model{Name: "AssistantUpdate",
		Description: "A change to an assistant, by PUT or PATCH alike. " + mergeRules,
		Schema:      assistantWrite(typeddoc.Patch)}
	statusModel   = statusBody.model("AssistantStatus", "Activates or deactivates an assistant.")
	rollbackModel = &openapi.Model{Name: "Rollback",
		Description: "An optional note on a rollback.",
		Schema:      openapi.Schema{"type": "object", "properties": writeExtras(), "additionalProperties": false}}
	historyModel = response[historyView]("SettingsHistoryEntry",
		"One change to an assistant: its configuration before the change (secrets masked), "+
			"the paths of the fields it changed, who made it and why.", assistant.Schema())
	historyPageModel = pageOf[historyView]("SettingsHistoryPage", historyModel)

	numberModel       = response[persistence.PhoneNumber]("PhoneNumber", "A number the organization receives calls on.", nil)
	numberPageModel   = pageOf[persistence.PhoneNumber]("PhoneNumberPage", numberModel)
	numberCreateModel = numberCreateBody.model("PhoneNumberCreate",
		"A number to add; it may be assigned to an assistant at once.")
	numberUpdateModel = numberUpdateBody.model("PhoneNumberUpdate",
		"The fields sent change: a null friendly_name clears it, a null assistant_id unassigns the number, "+
			"a null sip_trunk_id lets any of the organization's trunks deliver a sip number's calls, "+
			"a null is_active changes nothing. The number and its provider cannot be changed.")
	numberAssignModel = numberAssignBody.model("PhoneNumberAssign", "The assistant to assign the number to.")

	trunkModel = response[trunkView]("SIPTrunk",
		"A SIP trunk of the organization: where its INVITEs may come from and the digest credentials they must carry; "+
			"passwords are always shown as "+typeddoc.Mask+".", nil)
	trunkPageModel  = pageOf[trunkView]("SIPTrunkPage", trunkModel)
	trunkWriteModel = trunkWriteBody.model("SIPTrunkWrite",
		"A trunk, whole (PUT replaces every field): it needs allowed_addresses, inbound credentials, or both. "+
			"A password sent as "+typeddoc.Mask+" keeps the stored one. Outbound settings are refused for now.")

	organizationModel = response[organizationView]("Organization",
		"The caller's organization and its settings, secrets masked.", organization.Schema())
	organizationUpdateModel = &openapi.Model{Name: "OrganizationUpdate",
		Description: "A change to the organization's settings. " + mergeRules,
		Schema:      organizationWrite()}
	organizationReplaceModel = &openapi.Model{Name: "OrganizationReplace",
		Description: "The organization's writable settings, whole: fields left out take their defaults, " +
			"and a secret sent as " + typeddoc.Mask + " keeps its stored value. Every problem is reported at once in a 422.",
		Schema: organizationWrite()}
	webhookSecretModel = response[webhookSecretBody]("WebhookSecret",
		"A new webhook signing secret: shown this once, masked afterwards.", nil)

	healthModel = response[healthBody]("Health", "Whether the process is up or ready.", nil)
)

// response is the model of a response body of type T; s locates secrets
// (masked) in T where it holds s's type.
func response[T any](name, description string, s *typeddoc.Schema) *openapi.Model {
	return &openapi.Model{Name: name, Description: description,
		Schema: typeddoc.JSONSchema(reflect.TypeFor[T](), typeddoc.Response, s)}
}

// pageOf is the model of a listPage of item.
func pageOf[T any](name string, item *openapi.Model) *openapi.Model {
	s := typeddoc.JSONSchema(reflect.TypeFor[listPage[T]](), typeddoc.Response, nil)
	items := s["properties"].(map[string]any)["items"].(map[string]any)
	items["items"] = openapi.Ref(item)
	return &openapi.Model{Name: name, Description: "One page of a list, and how many items the whole list has.",
		Schema: s, Refs: []*openapi.Model{item}}
}

// assistantWrite is the schema of an assistant's create (Create) or update
// (Patch) body: the configuration and what assistant.ParseWrite takes besides.
func assistantWrite(shape typeddoc.Shape) openapi.Schema {
	s := typeddoc.JSONSchema(reflect.TypeFor[assistant.Config](), shape, assistant.Schema())
	props := s["properties"].(map[string]any)
	for k, v := range writeExtras() {
		props[k] = v
	}
	return s
}

// writeExtras are the fields of an assistant write beyond its
// configuration: a change description, and the response's read-only
// fields, ignored so that a fetched assistant can be sent back.
func writeExtras() map[string]any {
	out := map[string]any{"change_description": map[string]any{
		"type": []any{"string", "null"}, "maxLength": assistant.MaxChangeDescription,
		"description": "Why the change was made, kept in the settings history.",
	}}
	for _, k := range assistant.ReadOnly {
		out[k] = map[string]any{"readOnly": true, "description": "Ignored in writes."}
	}
	return out
}

// organizationWrite is the schema of an organization's PATCH body: its
// settings but the webhook secret, which only the server generates.
func organizationWrite() openapi.Schema {
	s := typeddoc.JSONSchema(reflect.TypeFor[organization.Settings](), typeddoc.Patch, organization.Schema())
	delete(s["properties"].(map[string]any), "webhook_secret")
	return s
}
