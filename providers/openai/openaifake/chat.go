package openaifake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
)

// exchange is what the script sees of a chat request.
func exchange(req *ChatRequest) Exchange {
	msgs := req.Messages
	x := Exchange{Schema: req.Schema()}
	for _, m := range msgs {
		if m.Role == "user" {
			x.User = m.Text()
		}
	}
	for i := len(msgs) - 1; i >= 0 && msgs[i].Role == "tool"; i-- {
		x.ToolResults = append([]string{msgs[i].Text()}, x.ToolResults...)
	}
	return x
}

// Hash names a reply after its request, so that ids are deterministic.
func Hash(req any) uint64 {
	b, _ := Marshal(req)
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// promptTokens estimates the prompt's size from its messages and tools.
func promptTokens(req *ChatRequest) int {
	n := 0
	for _, m := range req.Messages {
		n += 3 + CountTokens(string(m.Content))
		for _, c := range m.ToolCalls {
			n += CountTokens(c.Function.Name + c.Function.Arguments)
		}
	}
	for _, t := range req.Tools {
		n += CountTokens(t.Function.Name + t.Function.Description + string(t.Function.Parameters))
	}
	if f := req.ResponseFormat; f != nil && f.JSONSchema != nil {
		n += CountTokens(f.JSONSchema.Name + f.JSONSchema.Description + string(f.JSONSchema.Schema))
	}
	return n
}

// Azure's content filter annotations, all clear.
var (
	azurePromptFilter  = json.RawMessage(`[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]`)
	azureContentFilter = json.RawMessage(`{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}`)
	null               = json.RawMessage("null")
)

// stream answers a valid request: a role chunk, content deltas, tool call
// deltas (name first, then argument fragments), a finish chunk, the usage
// chunk if asked, and [DONE]. Azure adds content filter results, starting
// with a chunk of prompt filter results and no choices.
func (f *Fake) stream(w http.ResponseWriter, r *http.Request, req *ChatRequest, model string, azure bool) {
	reply := f.Respond(exchange(req))
	maxTokens := 0
	for _, m := range []*int{req.MaxTokens, req.MaxCompletionTokens} {
		if m != nil {
			maxTokens = *m
		}
	}
	out := Generate(reply.Text, req.StopSequences(), maxTokens)
	calls := reply.ToolCalls
	finish := "stop"
	switch {
	case out.Truncated:
		finish, calls = "length", nil
	case out.Stop != "":
		calls = nil
	case len(calls) > 0:
		finish = "tool_calls"
	}
	includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	sum := Hash(req)
	base := chunk{ID: fmt.Sprintf("chatcmpl-%016x", sum), Object: "chat.completion.chunk", Created: f.Now().Unix(),
		Model: model, SystemFingerprint: "fp_fake0001"}
	if includeUsage {
		base.Usage = null
	}
	choiceOf := func(d delta, finish *string) chunk {
		c := base
		c.Choices = []choice{{Delta: d, Logprobs: null, FinishReason: finish}}
		if azure {
			c.Choices[0].ContentFilterResults = azureContentFilter
		}
		return c
	}

	s := f.Stream(w, r, false)
	if azure {
		if s.Send("", chunk{Choices: []choice{}, PromptFilterResults: azurePromptFilter}) != nil {
			return
		}
	}
	first := true
	token := func(d delta) error {
		if err := s.Next(); err != nil {
			return err
		}
		if first {
			first = false
			empty := ""
			if err := s.Send("", choiceOf(delta{Role: "assistant", Content: &empty, Refusal: null}, nil)); err != nil {
				return err
			}
		}
		if d.Content == nil && d.ToolCalls == nil {
			return nil
		}
		return s.Send("", choiceOf(d, nil))
	}
	completion := 0
	for _, t := range out.Tokens {
		if token(delta{Content: &t}) != nil {
			return
		}
		completion++
	}
	for i, c := range calls {
		empty := ""
		head := toolDelta{Index: i, ID: fmt.Sprintf("call_%016x%02d", sum, i), Type: "function", Function: functionDelta{Name: c.Name, Arguments: &empty}}
		if token(delta{ToolCalls: []toolDelta{head}}) != nil {
			return
		}
		completion++
		for _, frag := range Tokens(string(c.Arguments)) {
			if token(delta{ToolCalls: []toolDelta{{Index: i, Function: functionDelta{Arguments: &frag}}}}) != nil {
				return
			}
			completion++
		}
	}
	if first && token(delta{}) != nil { // an empty reply still has its role chunk
		return
	}
	if s.Send("", choiceOf(delta{}, &finish)) != nil {
		return
	}
	if includeUsage {
		u := base
		prompt := promptTokens(req)
		u.Choices = []choice{}
		u.Usage, _ = Marshal(usage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion,
			PromptTokensDetails:     map[string]int{"cached_tokens": 0, "audio_tokens": 0},
			CompletionTokensDetails: map[string]int{"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}})
		u.Obfuscation = "fk"
		if s.Send("", u) != nil {
			return
		}
	}
	_ = s.Send("", "[DONE]")
}
