package anthropic

import (
	"encoding/json"
	"fmt"
	"io"
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

// event is what the client reads of any streaming event.
type event struct {
	Type    string `json:"type"`
	Index   int    `json:"index"`
	Message *struct {
		Usage usage `json:"usage"`
	} `json:"message"`
	ContentBlock *struct {
		Type string `json:"type"`
		Text string `json:"text"`
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"content_block"`
	Delta *struct {
		Type        string `json:"type"`
		Text        string `json:"text"`
		PartialJSON string `json:"partial_json"`
		StopReason  string `json:"stop_reason"`
	} `json:"delta"`
	Usage *usage `json:"usage"`
}

type usage struct {
	InputTokens              int `json:"input_tokens"`
	OutputTokens             int `json:"output_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
}

// prompt counts every input token: cached reads and writes are reported
// apart from input_tokens.
func (u *usage) prompt() int {
	return u.InputTokens + u.CacheCreationInputTokens + u.CacheReadInputTokens
}

// maxBlocks bounds the content block index a stream may use.
const maxBlocks = 256

// toolUse is a tool_use block being assembled.
type toolUse struct {
	id, name string
	input    []byte
	open     bool
	output   bool // the structured output's tool: its input is the reply's text
}

// decoder turns one stream's events into voice events.
type decoder struct {
	model              string
	start              time.Time
	served             bool
	tools              []toolUse // by block index
	prompt, completion int
	hasUsage           bool
	stopReason         string
	output             string // the structured output's tool, "" for none
}

// consume reads the stream to message_stop (or, leniently, to the end of
// the body once the stop reason has come).
func (d *decoder) consume(src events, emit func(voice.LLMEvent)) error {
	for {
		ev, err := src.Next()
		if err == io.EOF {
			if d.stopReason == "" {
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

// event handles one event; done reports message_stop. Events are known by
// their name, or by their type field if a server sends no names; unknown
// events are ignored, as the API asks.
func (d *decoder) event(ev sse.Event, emit func(voice.LLMEvent)) (done bool, err error) {
	if ev.Name == "error" {
		return false, streamError(ev.Data)
	}
	var e event
	if err := json.Unmarshal(ev.Data, &e); err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	name := ev.Name
	if name == "" {
		name = e.Type
	}
	switch name {
	case "message_start":
		if e.Message != nil {
			d.prompt, d.completion, d.hasUsage = e.Message.Usage.prompt(), e.Message.Usage.OutputTokens, true
		}
	case "content_block_start":
		if e.ContentBlock == nil {
			return false, fmt.Errorf("%w: content_block_start without a block", ErrMalformed)
		}
		switch e.ContentBlock.Type {
		case "text":
			d.text(e.ContentBlock.Text, emit)
		case "tool_use":
			t, err := d.tool(e.Index)
			if err != nil {
				return false, err
			}
			*t = toolUse{id: e.ContentBlock.ID, name: e.ContentBlock.Name, open: true,
				output: d.output != "" && e.ContentBlock.Name == d.output}
			d.serve(emit)
		}
	case "content_block_delta":
		if e.Delta == nil {
			return false, fmt.Errorf("%w: content_block_delta without a delta", ErrMalformed)
		}
		switch e.Delta.Type {
		case "text_delta":
			d.text(e.Delta.Text, emit)
		case "input_json_delta":
			t, err := d.tool(e.Index)
			if err != nil {
				return false, err
			}
			if t.output {
				d.text(e.Delta.PartialJSON, emit)
				break
			}
			t.input = append(t.input, e.Delta.PartialJSON...)
		}
	case "content_block_stop":
		if e.Index >= 0 && e.Index < len(d.tools) && d.tools[e.Index].open {
			t := &d.tools[e.Index]
			t.open = false
			if t.output {
				break
			}
			args := string(t.input)
			if strings.TrimSpace(args) == "" {
				args = "{}"
			}
			emit(&voice.ToolCallEvent{Call: voice.ToolCall{ID: t.id, Name: t.name, Arguments: args}})
		}
	case "message_delta":
		if e.Delta != nil && e.Delta.StopReason != "" {
			d.stopReason = e.Delta.StopReason
		}
		if e.Usage != nil { // cumulative
			d.completion, d.hasUsage = e.Usage.OutputTokens, true
			if p := e.Usage.prompt(); p > 0 {
				d.prompt = p
			}
		}
	case "message_stop":
		return true, nil
	case "error":
		return false, streamError(ev.Data)
	}
	return false, nil
}

func (d *decoder) tool(index int) (*toolUse, error) {
	if index < 0 || index >= maxBlocks {
		return nil, fmt.Errorf("%w: block index %d", ErrMalformed, index)
	}
	if index >= len(d.tools) {
		d.tools = append(d.tools, make([]toolUse, index+1-len(d.tools))...)
	}
	return &d.tools[index], nil
}

func (d *decoder) text(s string, emit func(voice.LLMEvent)) {
	if s != "" {
		d.serve(emit)
		emit(&voice.TextDelta{Text: s})
	}
}

func (d *decoder) serve(emit func(voice.LLMEvent)) {
	if !d.served {
		d.served = true
		emit(&voice.LLMServed{Provider: "anthropic", Model: d.model, FirstToken: time.Since(d.start)})
	}
}

// end emits usage and LLMDone (reason end_turn if the stream named none).
func (d *decoder) end(emit func(voice.LLMEvent)) {
	d.serve(emit)
	if d.hasUsage {
		emit(&voice.LLMUsage{PromptTokens: d.prompt, CompletionTokens: d.completion})
	}
	reason := d.stopReason
	if reason == "" {
		reason = "end_turn"
	}
	emit(&voice.LLMDone{Reason: reason})
}

// errorStatus is the HTTP status the service gives each error type before
// a stream; an error event inside the stream is classified the same way.
var errorStatus = map[string]int{
	"invalid_request_error": 400,
	"authentication_error":  401,
	"billing_error":         402,
	"permission_error":      403,
	"not_found_error":       404,
	"request_too_large":     413,
	"rate_limit_error":      429,
	"api_error":             500,
	"timeout_error":         504,
	"overloaded_error":      529,
}

// streamError reads an error event: {"type":"error","error":{type,message}}.
func streamError(data []byte) error {
	e := sse.ParseError(0, data)
	e.InStream = true
	if e.Status = errorStatus[e.Type]; e.Status == 0 {
		e.Status = 500
	}
	return e
}
