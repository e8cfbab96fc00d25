package telnyx

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// The operations of Telnyx's Call Control webhooks (Ed25519-signed with
// telnyx-signature-ed25519) and media socket (the ticket in its auth header).

var (
	docWebhook = received(telephony.Webhook("telnyxWebhook", "Handle a Telnyx Call Control event",
		"call.initiated is answered with streaming to the engine; hang-ups and other events are recorded.",
		&openapi.Body{Model: telephony.Event("TelnyxEvent", "A Telnyx Call Control webhook: {data: {event_type, payload}}."),
			Required: true}, ""))
	docStream = telephony.MediaStream("telnyxStream", "Telnyx media-streaming websocket")
)

// received is op answering 200 OK with no content, as Telnyx expects.
func received(op openapi.Operation) openapi.Operation {
	op.Responses[200] = openapi.Response{Description: "Received."}
	delete(op.Responses, 204)
	return op
}
