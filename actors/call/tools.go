package call

import (
	"fmt"
	"strings"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/voice"
)

// ToolSendSMS texts the caller; the ToolRunner carries it out.
const ToolSendSMS = "send_sms"

// Tools returns the functions offered to the model for a configuration:
// the enabled call controls and custom tools, each described with the
// scenarios in which to use it.
func Tools(cfg assistant.Config) []voice.Tool {
	ts := cfg.ToolsSettings
	var out []voice.Tool
	if ts.EndCall.Enabled {
		out = append(out, voice.Tool{
			Name:        turn.ToolEndCall,
			Description: describe("End the call once the conversation is over.", ts.EndCall.Scenarios),
			Parameters: object(map[string]any{
				"message": map[string]any{"type": "string", "description": "An optional last sentence to say before hanging up."},
			}),
		})
	}
	if ts.TransferCall.Enabled && len(ts.TransferCall.TransferNumbers) > 0 {
		out = append(out, voice.Tool{
			Name:        turn.ToolTransferCall,
			Description: describe("Transfer the caller to a human agent.", ts.TransferCall.Scenarios),
			Parameters: object(map[string]any{
				"destination": map[string]any{"type": "string", "enum": ts.TransferCall.TransferNumbers,
					"description": "The number to transfer to."},
				"reason": map[string]any{"type": "string", "description": "Why the caller is being transferred."},
			}),
		})
	}
	if ts.DTMFSolver.Enabled {
		out = append(out, voice.Tool{
			Name:        turn.ToolSendDTMF,
			Description: describe("Press keys on the phone keypad, for example to navigate a phone menu.", ts.DTMFSolver.Scenarios),
			Parameters: object(map[string]any{
				"digits": map[string]any{"type": "string", "pattern": "^[0-9*#wW]+$",
					"description": "Keys to press, in order; w waits half a second."},
			}, "digits"),
		})
	}
	if ts.CollectKeypad.Enabled {
		out = append(out, voice.Tool{
			Name: turn.ToolCollectKeypad,
			Description: describe("Read digits the caller types on the keypad, such as an account or order number: ask them "+
				"to type it (and to finish with "+ts.CollectKeypad.StopKey+"), then call this; it returns the digits.",
				ts.CollectKeypad.Scenarios),
			Parameters: object(map[string]any{}),
		})
	}
	if at := ts.AssistantTransfer; at.Enabled && len(at.Targets) > 0 {
		ids := make([]any, len(at.Targets))
		var about []string
		for i, t := range at.Targets {
			ids[i] = t.AssistantID
			if t.Description != "" {
				about = append(about, fmt.Sprintf("%d: %s", t.AssistantID, t.Description))
			}
		}
		what := "Hand the call over to another assistant, who continues the same call."
		if len(about) > 0 {
			what += " The assistants: " + strings.Join(about, "; ") + "."
		}
		out = append(out, voice.Tool{
			Name:        turn.ToolAssistantTransfer,
			Description: describe(what, at.Scenarios),
			Parameters: object(map[string]any{
				"assistant_id": map[string]any{"type": "integer", "enum": ids, "description": "The assistant to hand the call to."},
			}, "assistant_id"),
		})
	}
	if ts.SendSMS.Enabled {
		out = append(out, voice.Tool{
			Name:        ToolSendSMS,
			Description: describe("Send a text message to the caller.", ts.SendSMS.Scenarios),
			Parameters: object(map[string]any{
				"message": map[string]any{"type": "string", "description": "The text to send."},
			}),
		})
	}
	if rs := cfg.RAGSettings; rs.Enabled && !rs.RAGInjectBeforeLLM {
		out = append(out, voice.Tool{
			Name: knowledge.ToolName,
			Description: "Search the documents of this assistant's knowledge base (prices, policies, product facts…) " +
				"for the passages that answer a question. Use it before answering any question those documents may cover.",
			Parameters: object(map[string]any{
				"query": map[string]any{"type": "string", "description": "What to look for, as a question or keywords."},
			}, "query"),
		})
	}
	for _, ct := range ts.CustomTools {
		if ct.Enabled {
			out = append(out, voice.Tool{Name: ct.Name, Description: describe(ct.Description, ct.Scenarios), Parameters: ct.Parameters})
		}
	}
	return out
}

func describe(what string, scenarios []string) string {
	if len(scenarios) == 0 {
		return what
	}
	return what + " Use it when: " + strings.Join(scenarios, "; ") + "."
}

func object(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}
