package vonage

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// The operations of Vonage's answer and event webhooks (a signed JWT in
// Authorization) and its media socket (a ticket in the query).

var (
	answerQuery = []openapi.Param{
		openapi.QueryParam("to", "The number called.", openapi.Schema{"type": "string"}),
		openapi.QueryParam("from", "The caller's number.", openapi.Schema{"type": "string"}),
		openapi.QueryParam("uuid", "Vonage's call id.", openapi.Schema{"type": "string"}),
		ticketParam,
	}
	ticketParam = openapi.QueryParam("t", "The engine's ticket for the call it placed or streams.",
		openapi.Schema{"type": "string"})
	answerBody = &openapi.Body{Model: telephony.Event("VonageAnswer", "Vonage's answer request: to, from, uuid, conversation_uuid.")}

	docAnswerGet = telephony.WithParams(telephony.Webhook("vonageAnswerGet", "Answer a Vonage call with an NCCO",
		"The GET form of the answer URL: the call's details in the query.", nil, "application/json"), answerQuery...)
	docAnswer = telephony.WithParams(telephony.Webhook("vonageAnswer", "Answer a Vonage call with an NCCO",
		"Routes the call by the number called and connects a websocket endpoint.", answerBody, "application/json"),
		ticketParam)
	docEvent = telephony.Webhook("vonageEvent", "Record a Vonage call event", "",
		&openapi.Body{Model: telephony.Event("VonageEvent", "A Vonage voice event: status, uuid, from, to, …"), Required: true}, "")
	docStream = telephony.MediaStream("vonageStream", "Vonage websocket endpoint", ticketParam)
)
