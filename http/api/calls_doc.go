package api

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The calls routes' operations.

var callsTag = openapi.Defaults{Tags: []string{"calls"}}

var (
	callModel         = response[callResponse]("Call", "A call's record.", nil)
	callPageModel     = pageOf[callResponse]("CallPage", callModel)
	transcriptModel   = response[[]transcriptResponse]("Transcript", "A call's final transcript segments, in order.", nil)
	chatMessagesModel = response[[]chatMessageResponse]("ChatMessages", "The conversation as the model saw it, in order.", nil)
	callEventsModel   = response[[]callEventResponse]("CallEvents", "A call's events, in the order it published them.", nil)
	webhookLogsModel  = response[[]webhookLogResponse]("WebhookLogs", "Every webhook delivery attempt of a call.", nil)
	analysisModel     = response[analysisResponse]("CallAnalysis", "A call's post-call analysis: summary, structured data and evaluation.", nil)
	terminatedModel   = response[terminated]("Terminated", "A terminated call.", nil)
	outboundModel     = outboundBody.model("OutboundCall", "A call to place from one of the organization's numbers.")
	placedModel       = response[placed]("PlacedCall", "A call the carrier accepted, recorded as queued.", nil)
	liveCallsModel    = response[liveCalls]("LiveCalls", "The organization's live calls, on every node of the cluster.", nil)
	callIDParam       = openapi.PathParam("call_id", "The call's id.", idSchema)
	callSIDParam      = openapi.PathParam("call_sid", "The carrier's call id (Twilio CallSid, Telnyx call_control_id, …).", openapi.Schema{"type": "string"})
	callNotFound      = notFound("Call")
	callReadResponses = func(m *openapi.Model, what string) map[int]openapi.Response {
		return map[int]openapi.Response{200: openapi.JSON(what, m), 404: callNotFound, 422: invalid}
	}
)

var (
	docListCalls = openapi.Operation{
		ID: "listCalls", Summary: "List the organization's calls, newest first",
		Params:    append(listLimits.params(), callFilterParams...),
		Responses: map[int]openapi.Response{200: openapi.JSON("One page of calls.", callPageModel), 422: invalid},
	}
	docListLiveCalls = openapi.Operation{
		ID: "listLiveCalls", Summary: "List the organization's live calls (on every node of a cluster), with who is speaking, turns and the last turn's latency",
		Responses: map[int]openapi.Response{200: openapi.JSON("The live calls.", liveCallsModel)},
	}
	docGetCallBySID = openapi.Operation{
		ID: "getCallBySID", Summary: "Get a call by its carrier call id",
		Params:    []openapi.Param{callSIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("The call.", callModel), 404: callNotFound},
	}
	docGetCall = openapi.Operation{
		ID: "getCall", Summary: "Get a call", Params: []openapi.Param{callIDParam},
		Responses: callReadResponses(callModel, "The call."),
	}
	docListTranscripts = openapi.Operation{
		ID: "listCallTranscripts", Summary: "Get a call's transcript",
		Params: []openapi.Param{callIDParam,
			openapi.QueryParam("speaker", "Only this speaker's segments.", openapi.Schema{"type": "string", "enum": []string{"user", "assistant"}})},
		Responses: callReadResponses(transcriptModel, "The segments."),
	}
	docListMessages = openapi.Operation{
		ID: "listCallMessages", Summary: "Get a call's conversation as the model saw it",
		Params: []openapi.Param{callIDParam}, Responses: callReadResponses(chatMessagesModel, "The messages."),
	}
	docListEvents = openapi.Operation{
		ID: "listCallEvents", Summary: "Get a call's events (turns, interruptions, tool calls, stage timings, …)",
		Params: []openapi.Param{callIDParam,
			openapi.QueryParam("kind", "Only events of this kind, e.g. stage-timings.", openapi.Schema{"type": "string"})},
		Responses: callReadResponses(callEventsModel, "The events."),
	}
	docListWebhookLogs = openapi.Operation{
		ID: "listCallWebhookLogs", Summary: "Get a call's webhook delivery attempts",
		Params: []openapi.Param{callIDParam,
			openapi.QueryParam("webhook_type", "Only webhooks of this type.", openapi.Schema{"type": "string",
				"enum": []string{persistence.WebhookStatusUpdate, persistence.WebhookEndOfCall, persistence.WebhookTranscript}})},
		Responses: callReadResponses(webhookLogsModel, "The attempts."),
	}
	docGetCallAnalysis = openapi.Operation{
		ID: "getCallAnalysis", Summary: "Get a call's post-call analysis",
		Description: `What analysis_settings made of the call once it ended: a summary, data extracted against the JSON ` +
			`Schema (only ever data that validated; an answer that did not is in structured_data_output with its error) ` +
			`and an evaluation. 404 when the call is not analysed (too few messages, or no step enabled).`,
		Params: []openapi.Param{callIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("The analysis.", analysisModel),
			404: notFound("Call or its analysis"), 422: invalid},
	}
	docTerminateCall = openapi.Operation{
		ID: "terminateCall", Summary: "End a live call",
		Description: "The call hangs up with ended_reason terminated-by-api, on whichever node of the cluster runs it.",
		Params:      []openapi.Param{callSIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The call ended.", terminatedModel),
			202: openapi.JSON("The call is ending.", terminatedModel),
			404: openapi.JSON("No live call with this id in your organization.", errorModel),
		},
	}
	docWatchCall = openapi.Operation{
		ID: "watchCall", Summary: "Watch a live call over a websocket",
		Description: `Upgrades to a websocket that carries the call's events as JSON text messages, in order, ` +
			`{"type": "transcript", "at": "…", "data": {…}}, as GET /calls/{call_id}/events shows them (without the ` +
			`conversation history), until the call ends (close 1000) or the client falls too far behind (close 1008). ` +
			`At most 10 watchers per call. In a cluster, any node relays the call from the node that runs it.`,
		Params: []openapi.Param{callSIDParam},
		Responses: map[int]openapi.Response{
			101: {Description: "Switching to the websocket."},
			404: openapi.JSON("No live call with this id in your organization.", errorModel),
			426: openapi.JSON("Not a websocket upgrade.", errorModel),
			429: openapi.JSON("Too many watchers of this call.", errorModel),
		},
	}
	docPlaceCall = openapi.Operation{
		ID: "placeOutboundCall", Summary: "Place an outbound call with an assistant",
		Body: &openapi.Body{Model: outboundModel, Required: true},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("The carrier accepted the call.", placedModel),
			404: notFound("Assistant"),
			422: openapi.JSON("The body is invalid, the assistant is inactive, or from is not the organization's number.", validationModel),
			502: openapi.JSON("The carrier did not place the call.", errorModel),
		},
	}
)
