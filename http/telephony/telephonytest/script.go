package telephonytest

import (
	"strings"

	"github.com/switchboard-voice/switchboard/voice"
)

// Greeting is the first words of the scenarios' assistant.
const Greeting = "Hello there."

// LongReply is long enough to be interrupted while it plays.
const LongReply = "I can help with orders, returns, deliveries, billing, and a great many other things besides, so please tell me."

// ToolScript is an assistant using its tools on cue: it briefs an agent
// on a warm transfer, sends 42# for a menu, transfers for a person, hangs
// up saying goodbye on bye, answers "Done." to a tool's result and echoes
// anything else.
func ToolScript(req voice.LLMRequest) (string, []voice.ToolCall) {
	last := req.Messages[len(req.Messages)-1]
	switch {
	case strings.HasPrefix(req.Messages[0].Content, "You are briefing a human agent"):
		return "The caller wants a refund.", nil
	case last.Role == voice.RoleTool:
		return "Done.", nil
	case strings.Contains(last.Content, "menu"):
		return "", []voice.ToolCall{{ID: "d1", Name: "send_dtmf", Arguments: `{"digits":"42#"}`}}
	case strings.Contains(last.Content, "person"):
		return "", []voice.ToolCall{{ID: "t1", Name: "transfer_call", Arguments: `{"destination":"` + AgentNumber + `"}`}}
	case strings.Contains(last.Content, "bye"):
		return "", []voice.ToolCall{{ID: "e1", Name: "end_call", Arguments: `{"message":"Goodbye then."}`}}
	}
	return "You said: " + last.Content, nil
}

// BargeInScript answers "help" with LongReply and anything else with
// "Sure.".
func BargeInScript(req voice.LLMRequest) (string, []voice.ToolCall) {
	if LastMessage(req) == "help" {
		return LongReply, nil
	}
	return "Sure.", nil
}
