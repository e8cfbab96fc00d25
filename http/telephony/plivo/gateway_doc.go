package plivo

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// The operations of Plivo's webhooks and audio-stream socket; each request
// carries X-Plivo-Signature-V3.

var (
	form = &openapi.Body{MediaType: "application/x-www-form-urlencoded",
		Model: telephony.Form("PlivoWebhook", "Plivo's form-encoded parameters (CallUUID, From, To, CallStatus, …).")}
	ticketParam = openapi.QueryParam("t", "The engine's ticket for the call it placed, transfers or streams.",
		openapi.Schema{"type": "string"})
	toParam = openapi.QueryParam("to", "The number the call is transferred to.", openapi.Schema{"type": "string"})

	docAnswer = telephony.WithParams(telephony.Webhook("plivoAnswer", "Answer a Plivo call with Plivo XML",
		"Routes the call by the number called and starts a bidirectional audio stream.", form, "application/xml"),
		ticketParam)
	docStatus  = telephony.Webhook("plivoStatus", "Record a Plivo hang-up or status callback", "", form, "")
	docMachine = telephony.Webhook("plivoMachine", "Plivo's answering-machine detection of a call the engine placed",
		"Machine true or false, for a call placed with voicemail_settings.carrier_detection.", form, "")
	docTransfer = telephony.WithParams(telephony.Webhook("plivoTransfer", "The Plivo XML a transferred call runs",
		"", form, "application/xml"), ticketParam, toParam)
	docStream = telephony.MediaStream("plivoStream", "Plivo audio-stream websocket", ticketParam)
)
