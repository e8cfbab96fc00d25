package anthropicfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// exchange is what the script sees: the last user text, the tool results
// if the conversation ends with them, and the forced tool's schema, which
// makes the reply structured.
func exchange(req *MessagesRequest) openaifake.Exchange {
	msgs := req.Messages
	var x openaifake.Exchange
	if f := req.Forced(); f != nil {
		_ = json.Unmarshal(f.InputSchema, &x.Schema)
		if x.Schema == nil {
			x.Schema = map[string]any{}
		}
	}
	for i, m := range msgs {
		if m.Role != "user" {
			continue
		}
		var text strings.Builder
		var results []string
		for _, b := range m.Blocks() {
			switch {
			case b.Type == "text" && b.Text != nil:
				text.WriteString(*b.Text)
			case b.Type == "tool_result":
				results = append(results, b.ResultText())
			}
		}
		if text.Len() > 0 {
			x.User = text.String()
		}
		if i == len(msgs)-1 {
			x.ToolResults = results
		}
	}
	return x
}

func promptTokens(req *MessagesRequest) int {
	n := openaifake.CountTokens(string(req.System))
	for _, m := range req.Messages {
		n += 3 + openaifake.CountTokens(string(m.Content))
	}
	for _, t := range req.Tools {
		n += openaifake.CountTokens(t.Name + t.Description + string(t.InputSchema))
	}
	return n
}

// stream answers a valid request with the service's event order:
// message_start, per block content_block_start, deltas and
// content_block_stop (a ping after the first block starts), message_delta
// with the stop reason and cumulative usage, message_stop. A forced tool
// is called with the structured reply as its input, and nothing is said.
func (f *Fake) stream(w http.ResponseWriter, r *http.Request, req *MessagesRequest) {
	reply := f.Respond(exchange(req))
	if forced := req.Forced(); forced != nil {
		reply = openaifake.Reply{ToolCalls: []openaifake.ToolCall{{Name: forced.Name, Arguments: json.RawMessage(reply.Text)}}}
	}
	out := openaifake.Generate(reply.Text, req.StopSequences, *req.MaxTokens)
	calls := reply.ToolCalls
	stop, stopSeq := "end_turn", (*string)(nil)
	switch {
	case out.Truncated:
		stop, calls = "max_tokens", nil
	case out.Stop != "":
		stop, stopSeq, calls = "stop_sequence", &out.Stop, nil
	case len(calls) > 0:
		stop = "tool_use"
	}
	sum := openaifake.Hash(req)
	s := f.Stream(w, r, false)
	started := false
	// token waits for the next token's time; the message starts with the first.
	token := func() error {
		if err := s.Next(); err != nil {
			return err
		}
		if started {
			return nil
		}
		started = true
		return s.Send("message_start", messageStart{Type: "message_start", Message: messageHead{
			ID: fmt.Sprintf("msg_fake%016x", sum), Type: "message", Role: "assistant", Model: req.Model, Content: []struct{}{},
			Usage: usage{InputTokens: promptTokens(req), OutputTokens: 1}}})
	}
	index, output, pinged := 0, 0, false
	block := func(start startBlock, deltas []delta) error {
		for i, d := range deltas {
			if err := token(); err != nil {
				return err
			}
			if i == 0 {
				if err := s.Send("content_block_start", blockStart{Type: "content_block_start", Index: index, ContentBlock: start}); err != nil {
					return err
				}
				if !pinged {
					pinged = true
					if err := s.Send("ping", typeOnly{"ping"}); err != nil {
						return err
					}
				}
			}
			if err := s.Send("content_block_delta", blockDelta{Type: "content_block_delta", Index: index, Delta: d}); err != nil {
				return err
			}
			output++
		}
		err := s.Send("content_block_stop", blockStop{Type: "content_block_stop", Index: index})
		index++
		return err
	}
	if len(out.Tokens) > 0 {
		deltas := make([]delta, len(out.Tokens))
		for i := range out.Tokens {
			deltas[i] = delta{Type: "text_delta", Text: &out.Tokens[i]}
		}
		empty := ""
		if block(startBlock{Type: "text", Text: &empty}, deltas) != nil {
			return
		}
	}
	for i, c := range calls {
		empty := ""
		deltas := []delta{{Type: "input_json_delta", PartialJSON: &empty}}
		frags := openaifake.Tokens(string(c.Arguments))
		for j := range frags {
			deltas = append(deltas, delta{Type: "input_json_delta", PartialJSON: &frags[j]})
		}
		start := startBlock{Type: "tool_use", ID: fmt.Sprintf("toolu_fake%016x%02d", sum, i), Name: c.Name, Input: &struct{}{}}
		if block(start, deltas) != nil {
			return
		}
	}
	if !started && token() != nil { // an empty reply still starts its message
		return
	}
	if s.Send("message_delta", messageDelta{Type: "message_delta", Delta: stopDelta{StopReason: stop, StopSequence: stopSeq},
		Usage: outputUsage{OutputTokens: max(output, 1)}}) != nil {
		return
	}
	_ = s.Send("message_stop", typeOnly{"message_stop"})
}
