package twilio

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// The operations of Twilio's webhooks and Media Streams socket; each
// request carries X-Twilio-Signature.

var (
	form = &openapi.Body{MediaType: "application/x-www-form-urlencoded",
		Model: telephony.Form("TwilioWebhook", "Twilio's form-encoded parameters (CallSid, From, To, CallStatus, …).")}
	ticketParam = openapi.QueryParam("t", "The engine's ticket for the call it placed or transfers.",
		openapi.Schema{"type": "string"})

	docVoice = telephony.WithParams(telephony.Webhook("twilioVoice", "Answer a Twilio call with TwiML",
		"Routes the call by the number called and connects a Media Stream.", form, "text/xml"), ticketParam)
	docStatus = telephony.Webhook("twilioStatus", "Record a Twilio call status callback", "", form, "")
	docAMD    = telephony.Webhook("twilioAMD", "Take what Twilio's answering-machine detection found",
		"Asynchronous AMD (AnsweredBy) for a call the engine placed with voicemail_settings.carrier_detection.", form, "")
	docAgent = telephony.WithParams(telephony.Webhook("twilioTransferAgent", "Brief the agent of a warm transfer",
		"TwiML that reads the summary and asks the agent to press 1.", form, "text/xml"), ticketParam)
	docConfirm = telephony.WithParams(telephony.Webhook("twilioTransferConfirm",
		"Take the agent's answer to a warm transfer", "", form, "text/xml"), ticketParam)
	docResult = telephony.WithParams(telephony.Webhook("twilioTransferResult", "Take how a warm transfer's dial ended",
		"On failure the caller goes back to the assistant on a new stream.", form, "text/xml"), ticketParam)
	docStream = telephony.MediaStream("twilioStream", "Twilio Media Streams websocket")
)
