package gemini

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

// events is a source of server-sent events: an *sse.Stream, or an
// *sse.Reader in tests and benchmarks.
type events interface {
	Next() (sse.Event, error)
}

// chunk is what the client reads of a GenerateContentResponse.
type chunk struct {
	Candidates []struct {
		Content struct {
			Parts []struct {
				Text         string `json:"text"`
				Thought      bool   `json:"thought"`
				FunctionCall *struct {
					ID   string          `json:"id"`
					Name string          `json:"name"`
					Args json.RawMessage `json:"args"`
				} `json:"functionCall"`
				ThoughtSignature string `json:"thoughtSignature"`
			} `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
		Index        int    `json:"index"`
	} `json:"candidates"`
	UsageMetadata *struct {
		PromptTokenCount     int `json:"promptTokenCount"`
		CandidatesTokenCount int `json:"candidatesTokenCount"`
		ThoughtsTokenCount   int `json:"thoughtsTokenCount"`
	} `json:"usageMetadata"`
	PromptFeedback *struct {
		BlockReason string `json:"blockReason"`
	} `json:"promptFeedback"`
	Error json.RawMessage `json:"error"`
}

// decoder turns one stream's chunks into events.
type decoder struct {
	model  string
	start  time.Time
	served bool
	usage  *voice.LLMUsage
	finish string
}

// consume reads the stream to its end: the service sends no terminator,
// so the end of the body is the end of the reply once a finish reason has
// come.
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
		if err := d.event(ev, emit); err != nil {
			return err
		}
	}
}

func (d *decoder) event(ev sse.Event, emit func(voice.LLMEvent)) error {
	var c chunk
	if err := json.Unmarshal(ev.Data, &c); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if c.Error != nil {
		e := sse.ParseError(0, ev.Data)
		e.InStream = true
		if e.Status == 0 {
			e.Status = 500
		}
		return e
	}
	for i := range c.Candidates {
		cand := &c.Candidates[i]
		if cand.Index != 0 { // one candidate is asked for
			continue
		}
		for _, p := range cand.Content.Parts {
			switch {
			case p.FunctionCall != nil:
				d.call(p.FunctionCall.ID, p.FunctionCall.Name, p.FunctionCall.Args, p.ThoughtSignature, emit)
			case p.Text != "" && !p.Thought:
				d.serve(emit)
				emit(&voice.TextDelta{Text: p.Text})
			}
		}
		if cand.FinishReason != "" {
			d.finish = cand.FinishReason
		}
	}
	if c.PromptFeedback != nil && c.PromptFeedback.BlockReason != "" && len(c.Candidates) == 0 {
		d.finish = c.PromptFeedback.BlockReason // the prompt was refused: no candidates follow
	}
	if u := c.UsageMetadata; u != nil {
		d.usage = &voice.LLMUsage{PromptTokens: u.PromptTokenCount, CompletionTokens: u.CandidatesTokenCount + u.ThoughtsTokenCount}
	}
	return nil
}

// call emits a function call, which the service sends whole. It gets the
// service's ID if it has one, else a generated one; its thought signature
// goes with it in ProviderData.
func (d *decoder) call(id, name string, args json.RawMessage, signature string, emit func(voice.LLMEvent)) {
	d.serve(emit)
	info := callInfo{signature: signature, serviceID: id != ""}
	if id == "" {
		id = "call_" + strconv.FormatUint(rand.Uint64(), 36)
	}
	a := string(bytes.TrimSpace(args))
	if a == "" || a == "null" {
		a = "{}"
	}
	emit(&voice.ToolCallEvent{Call: voice.ToolCall{ID: id, Name: name, Arguments: a, ProviderData: info.encode()}})
}

func (d *decoder) serve(emit func(voice.LLMEvent)) {
	if !d.served {
		d.served = true
		emit(&voice.LLMServed{Provider: "gemini", Model: d.model, FirstToken: time.Since(d.start)})
	}
}

func (d *decoder) end(emit func(voice.LLMEvent)) {
	d.serve(emit)
	if d.usage != nil {
		emit(d.usage)
	}
	emit(&voice.LLMDone{Reason: d.finish})
}
