package twilio

import (
	"strings"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>`

// twimlDoc builds a <Response> from verbs.
func twimlDoc(verbs ...string) string {
	return xmlHeader + "<Response>" + strings.Join(verbs, "") + "</Response>"
}

func say(text string) string {
	if text == "" {
		return ""
	}
	return "<Say>" + telephony.XMLText(text) + "</Say>"
}

const hangup = "<Hangup/>"

// dial transfers the call to a number.
func dial(to string) string { return "<Dial>" + telephony.XMLText(to) + "</Dial>" }

// connectStream opens the bidirectional media stream, with the ticket that
// binds it to the call.
func connectStream(url, ticket string) string {
	return `<Connect><Stream url="` + telephony.XMLText(url) + `"><Parameter name="ticket" value="` +
		telephony.XMLText(ticket) + `"/></Stream></Connect>`
}
