package telephony

import "github.com/switchboard-voice/switchboard/http/openapi"

// What the gateways' routes share in the OpenAPI document. They are public
// to the document's security schemes: a carrier proves itself with its own
// signature (or a ticket the engine issued), checked by each gateway.

// Tag groups the carrier routes in the document.
const Tag = "telephony"

var (
	problem = openapi.Response{Description: "", MediaType: "application/json",
		Schema: openapi.Schema{"type": "object", "properties": openapi.Schema{"detail": openapi.Schema{"type": "string"}}}}
	upgraded = openapi.Response{Description: "Switching Protocols: the websocket is open."}
)

// Problem is an error response (a JSON {"detail": …}) described for the
// document.
func Problem(description string) openapi.Response {
	p := problem
	p.Description = description
	return p
}

// Form is the model of a carrier's webhook body: fields the carrier
// defines, every value a string.
func Form(name, description string) *openapi.Model {
	return &openapi.Model{Name: name, Description: description,
		Schema: openapi.Schema{"type": "object", "additionalProperties": openapi.Schema{"type": "string"}}}
}

// Event is the model of a carrier's JSON webhook body, described by the
// carrier's own documentation.
func Event(name, description string) *openapi.Model {
	return &openapi.Model{Name: name, Description: description, Schema: openapi.Schema{"type": "object"}}
}

// Webhook describes a signed carrier webhook answered with a document of
// mediaType (TwiML, Plivo XML, an NCCO) or with no content when mediaType
// is empty.
func Webhook(id, summary, description string, body *openapi.Body, mediaType string) openapi.Operation {
	ok := openapi.Response{Description: "No content: recorded.", MediaType: "", Schema: nil}
	status := 204
	if mediaType != "" {
		ok = openapi.Response{Description: "The carrier's instructions for the call.", MediaType: mediaType,
			Schema: openapi.Schema{"type": "string"}}
		status = 200
	}
	return openapi.Operation{ID: id, Summary: summary, Description: description, Tags: []string{Tag},
		Security: []*openapi.SecurityScheme{}, Body: body,
		Responses: map[int]openapi.Response{status: ok,
			400: Problem("Not the carrier's webhook."),
			403: Problem("The carrier's signature is missing or wrong."),
			503: Problem("Routing is unavailable (the database is down); the carrier retries or plays its fallback.")}}
}

// MediaStream describes a media websocket: the upgrade is refused with 403
// unless its signature or ticket checks.
func MediaStream(id, summary string, params ...openapi.Param) openapi.Operation {
	return openapi.Operation{ID: id, Summary: summary, Tags: []string{Tag}, Security: []*openapi.SecurityScheme{},
		Params: params,
		Description: "A websocket upgrade. Audio and control frames follow the carrier's media protocol; " +
			"a malformed frame ends the call with a logged reason.",
		Responses: map[int]openapi.Response{101: upgraded,
			403: Problem("The stream's signature, ticket or token does not check."),
			426: Problem("Not a websocket upgrade.")}}
}

// WithParams is op taking params too.
func WithParams(op openapi.Operation, params ...openapi.Param) openapi.Operation {
	op.Params = append(append([]openapi.Param(nil), op.Params...), params...)
	return op
}
