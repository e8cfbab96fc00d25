package turn

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/voice"
)

// Built-in tools the machine carries out itself.
const (
	ToolEndCall      = "end_call"
	ToolTransferCall = "transfer_call"
	ToolSendDTMF     = "send_dtmf"
)

// runTools carries out the tool calls of the round just finished. The call
// controls are done here; other tools run through the port, and when all
// have answered the model continues with their results. Ending or
// transferring the call makes the reply the call's last words.
func (m *Machine) runTools(now time.Time, r *reply) {
	m.addMessage(r, voice.Message{Role: voice.RoleAssistant, Content: r.round.String(), ToolCalls: r.calls})
	r.round.Reset()
	calls := r.calls
	r.calls = nil
	continueAfter := false
	for _, call := range calls {
		if (call.Name == ToolEndCall || call.Name == ToolTransferCall) && m.assistant == Ending {
			m.toolDone(now, r, call, now, "", "the call is already ending")
			continue
		}
		switch call.Name {
		case ToolEndCall:
			var args struct {
				Message string `json:"message"`
			}
			_ = json.Unmarshal([]byte(call.Arguments), &args)
			if text := firstNonEmpty(args.Message, ptr.Value(m.set.Tools.EndCall.CustomMessage), m.set.EndCallMessage); text != "" {
				m.emitChunk(now, r, text)
			}
			m.beginEnding(now, ending{reason: events.EndAssistantTool})
			m.toolDone(now, r, call, now, "The call will end after this message.", "")
		case ToolTransferCall:
			to, ok := m.transferTarget(call.Arguments)
			if !ok {
				m.toolDone(now, r, call, now, "", "no transfer number is configured")
				continueAfter = true
				continue
			}
			if text := firstNonEmpty(ptr.Value(m.set.Tools.TransferCall.CustomMessage), m.set.TransferCallMessage); text != "" {
				m.emitChunk(now, r, text)
			}
			m.beginEnding(now, ending{reason: events.EndTransferred, transferTo: to})
			m.toolDone(now, r, call, now, "Transferring the caller to "+to+".", "")
		case ToolSendDTMF:
			var args struct {
				Digits string `json:"digits"`
			}
			_ = json.Unmarshal([]byte(call.Arguments), &args)
			if !validDTMF(args.Digits) {
				m.toolDone(now, r, call, now, "", "digits must be 0-9, *, # or w (a pause)")
			} else {
				m.port.SendDTMF(args.Digits)
				m.port.Publish(events.DTMF{Digits: args.Digits, Sent: true})
				m.toolDone(now, r, call, now, "Sent "+args.Digits+".", "")
			}
			continueAfter = true
		default:
			r.running[call.ID] = runningTool{call: call, start: now}
			m.port.RunTool(r.id, call)
		}
	}
	switch {
	case m.assistant == Ending:
		// The last words are said; tools still running finish unheeded.
		for id, rt := range r.running {
			delete(r.running, id)
			m.toolDone(now, r, rt.call, rt.start, "", "cancelled: the call is ending")
		}
		r.writing = written
		m.endSpeech(r)
		m.checkFinished(now)
	case len(r.running) > 0:
		r.writing = awaitingTools
	case continueAfter:
		m.continueLLM(r)
	default:
		r.writing = written
		m.endSpeech(r)
		m.checkFinished(now)
	}
}

// ToolResult feeds the outcome of a tool run through the port.
func (m *Machine) ToolResult(now time.Time, id ReplyID, callID, result string, err error) {
	r := m.current(id)
	if r == nil || r.writing != awaitingTools {
		return
	}
	rt, ok := r.running[callID]
	if !ok {
		return
	}
	delete(r.running, callID)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	m.toolDone(now, r, rt.call, rt.start, result, msg)
	if len(r.running) == 0 {
		m.continueLLM(r)
	}
}

// toolDone records a tool's result for the model and the call's events.
func (m *Machine) toolDone(now time.Time, r *reply, call voice.ToolCall, start time.Time, result, errMsg string) {
	content := result
	if errMsg != "" {
		b, _ := json.Marshal(struct {
			Error string `json:"error"`
		}{errMsg}) // cannot fail: one string
		content = string(b)
	}
	m.addMessage(r, voice.Message{Role: voice.RoleTool, Content: content, ToolCallID: call.ID})
	m.port.Publish(events.ToolCalled{Turn: int(r.turn), Name: call.Name, Arguments: call.Arguments,
		Result: result, Error: errMsg, Duration: now.Sub(start)})
}

// continueLLM runs the model again with the tool results.
func (m *Machine) continueLLM(r *reply) {
	r.writing = generating
	m.port.StartLLM(r.id, slices.Clone(m.history))
}

// transferTarget picks the number a transfer goes to: the one the model
// asked for if it is configured, else the first configured.
func (m *Machine) transferTarget(arguments string) (string, bool) {
	numbers := m.set.Tools.TransferCall.TransferNumbers
	if len(numbers) == 0 {
		return "", false
	}
	var args struct {
		Destination string `json:"destination"`
	}
	_ = json.Unmarshal([]byte(arguments), &args)
	if slices.Contains(numbers, args.Destination) {
		return args.Destination, true
	}
	return numbers[0], true
}

func validDTMF(d string) bool {
	return d != "" && strings.Trim(d, "0123456789*#wW") == ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
