package web

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

var docStream = telephony.MediaStream("webStream", "Browser call websocket",
	openapi.QueryParam("token", "The one-time token of POST /api/v1/assistants/{assistant_id}/web-call.",
		openapi.Schema{"type": "string"}))
