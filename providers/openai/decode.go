package openai

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

// events is a source of server-sent events: an *sse.Stream, or an
// *sse.Reader in tests and benchmarks.
type events interface {
	Next() (sse.Event, error)
}

// chunk is what the client reads of a chat.completion.chunk. Decoding null
// leaves a field zero, so "choices": null (vLLM) reads as no choices.
type chunk struct {
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Content   string `json:"content"`
			Refusal   string `json:"refusal"`
			ToolCalls []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// maxToolCalls bounds the tool call index a stream may use.
const maxToolCalls = 128

type callBuilder struct {
	id, name string
	args     []byte
}

// decoder turns one stream's chunks into events.
type decoder struct {
	provider, model string
	start           time.Time
	served          bool
	calls           []callBuilder
	usage           *voice.LLMUsage
	finish          string
}

// consume reads the stream to its end: [DONE], or the end of the body once
// a finish reason has come (some compatible servers send no [DONE]).
func (d *decoder) consume(src events, emit func(voice.LLMEvent)) error {
	for {
		ev, err := src.Next()
		if err == io.EOF {
			if d.finish == "" {
				return ErrTruncated
			}
			d.end(emit)
			return nil
		}
		if err != nil {
			return err
		}
		done, err := d.event(ev, emit)
		if err != nil {
			return err
		}
		if done {
			d.end(emit)
			return nil
		}
	}
}

// event handles one event; done reports [DONE].
func (d *decoder) event(ev sse.Event, emit func(voice.LLMEvent)) (done bool, err error) {
	if string(ev.Data) == "[DONE]" {
		return true, nil
	}
	if ev.Name == "error" {
		return false, streamError(ev.Data)
	}
	var c chunk
	if err := json.Unmarshal(ev.Data, &c); err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if c.Error != nil {
		return false, streamError(ev.Data)
	}
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.Index != 0 { // one choice is asked for
			continue
		}
		for _, text := range [...]string{ch.Delta.Content, ch.Delta.Refusal} {
			if text != "" {
				d.serve(emit)
				emit(&voice.TextDelta{Text: text})
			}
		}
		for _, tc := range ch.Delta.ToolCalls {
			if tc.Index < 0 || tc.Index >= maxToolCalls {
				return false, fmt.Errorf("%w: tool call index %d", ErrMalformed, tc.Index)
			}
			d.serve(emit)
			if tc.Index >= len(d.calls) {
				d.calls = append(d.calls, make([]callBuilder, tc.Index+1-len(d.calls))...)
			}
			b := &d.calls[tc.Index]
			if b.id == "" {
				b.id = tc.ID
			}
			if b.name == "" {
				b.name = tc.Function.Name
			}
			b.args = append(b.args, tc.Function.Arguments...)
		}
		if ch.FinishReason != "" {
			d.finish = ch.FinishReason
		}
	}
	if c.Usage != nil {
		d.usage = &voice.LLMUsage{PromptTokens: c.Usage.PromptTokens, CompletionTokens: c.Usage.CompletionTokens}
	}
	return false, nil
}

// streamError reads an error sent inside the stream. Its status is the one
// it names, else 500: the service failed after accepting the request.
func streamError(data []byte) error {
	e := sse.ParseError(0, data)
	e.InStream = true
	if e.Status == 0 {
		e.Status = 500
	}
	return e
}

func (d *decoder) serve(emit func(voice.LLMEvent)) {
	if !d.served {
		d.served = true
		emit(&voice.LLMServed{Provider: d.provider, Model: d.model, FirstToken: time.Since(d.start)})
	}
}

// end emits what a finished stream assembled: the tool calls in index
// order, usage, and LLMDone (reason "stop" if the stream named none).
func (d *decoder) end(emit func(voice.LLMEvent)) {
	d.serve(emit)
	for i := range d.calls {
		b := &d.calls[i]
		if b.name == "" && len(b.args) == 0 {
			continue // an index the stream skipped
		}
		call := voice.ToolCall{ID: b.id, Name: b.name, Arguments: string(b.args)}
		if call.ID == "" { // some compatible servers send none
			call.ID = "call_" + strconv.FormatUint(rand.Uint64(), 36)
		}
		if strings.TrimSpace(call.Arguments) == "" {
			call.Arguments = "{}"
		}
		emit(&voice.ToolCallEvent{Call: call})
	}
	if d.usage != nil {
		emit(d.usage)
	}
	reason := d.finish
	if reason == "" {
		reason = "stop"
	}
	emit(&voice.LLMDone{Reason: reason})
}
