package turn

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/voice"
)

// Built-in tools the machine carries out itself.
const (
	ToolEndCall           = "end_call"
	ToolTransferCall      = "transfer_call"
	ToolSendDTMF          = "send_dtmf"
	ToolCollectKeypad     = "collect_keypad"
	ToolAssistantTransfer = "assistant_transfer"
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
		if (call.Name == ToolEndCall || call.Name == ToolTransferCall || call.Name == ToolAssistantTransfer) &&
			(m.assistant == Ending || m.handover.to != 0) {
			m.toolDone(now, r, call, now, "", "the call is already ending or being handed over")
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
		case ToolCollectKeypad:
			if r.keypad != nil {
				m.toolDone(now, r, call, now, "", "the keypad is already being read")
				continueAfter = true
				continue
			}
			r.running[call.ID] = runningTool{call: call, start: now}
			r.keypad = &keypad{call: call.ID, last: now, stopKey: m.set.Tools.CollectKeypad.StopKey,
				timeout: time.Duration(m.set.Tools.CollectKeypad.TimeoutSeconds) * time.Second}
		case ToolAssistantTransfer:
			target, ok := m.transferAssistant(call.Arguments)
			if !ok {
				m.toolDone(now, r, call, now, "", "no such assistant to transfer to")
				continueAfter = true
				continue
			}
			if target.Message != nil && *target.Message != "" {
				m.emitChunk(now, r, *target.Message)
			}
			m.handover = handover{to: target.AssistantID, greet: target.SpeakGreeting}
			m.port.HandOver(target.AssistantID)
			m.toolDone(now, r, call, now, fmt.Sprintf("Handing the call over to assistant %d.", target.AssistantID), "")
		default:
			r.running[call.ID] = runningTool{call: call, start: now}
			m.port.RunTool(r.id, call)
		}
	}
	switch {
	case m.assistant == Ending || m.handover.to != 0:
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

// transferAssistant picks the configured assistant the model asked for.
func (m *Machine) transferAssistant(arguments string) (assistant.AssistantTransfer, bool) {
	var args struct {
		AssistantID int64 `json:"assistant_id"`
	}
	_ = json.Unmarshal([]byte(arguments), &args)
	at := m.set.Tools.AssistantTransfer
	for _, t := range at.Targets {
		if t.AssistantID == args.AssistantID && at.Enabled {
			return t, true
		}
	}
	return assistant.AssistantTransfer{}, false
}

// keypad reads the digits the model asked the caller to type
// (collect_keypad): keys go to it, not to the conversation, until the stop
// key or a pause of the configured timeout after the last key (or after
// the request was heard).
type keypad struct {
	call    string // the tool call's id
	digits  strings.Builder
	last    time.Time
	stopKey string
	timeout time.Duration
}

// keypadKeys takes keys pressed while the keypad is read.
func (m *Machine) keypadKeys(now time.Time, r *reply, digits string) {
	k := r.keypad
	k.last = now
	for _, d := range digits {
		if string(d) == k.stopKey {
			m.keypadDone(now, r, "stop key")
			return
		}
		k.digits.WriteRune(d)
	}
}

// keypadDeadline is when reading the keypad gives up waiting for keys.
func (m *Machine) keypadDeadline() time.Time {
	r := m.reply
	if r == nil || r.keypad == nil {
		return time.Time{}
	}
	t := r.track
	if t.audio.Len() >= t.fmt.FrameBytes() {
		return time.Time{} // the request is still being said
	}
	from := r.keypad.last
	if played := t.lastFrameAt.Add(Lead); played.After(from) {
		from = played
	}
	return from.Add(r.keypad.timeout)
}

// keypadDone hands the digits read to the model.
func (m *Machine) keypadDone(now time.Time, r *reply, why string) {
	k := r.keypad
	r.keypad = nil
	rt := r.running[k.call]
	delete(r.running, k.call)
	result := k.digits.String()
	if result == "" {
		result = "(no digits)"
	}
	m.toolDone(now, r, rt.call, rt.start, fmt.Sprintf("The caller typed %s (%s).", result, why), "")
	if len(r.running) == 0 && r.writing == awaitingTools {
		m.continueLLM(r)
	}
}
