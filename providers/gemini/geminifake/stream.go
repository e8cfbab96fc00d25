package geminifake

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// exchange is what the script sees: the last user text, the function
// results if the conversation ends with them, and the structured output's
// schema.
func exchange(req *GenerateRequest) openaifake.Exchange {
	contents := req.Contents
	x := openaifake.Exchange{Schema: req.Schema()}
	for i, c := range contents {
		if c.Role != "user" {
			continue
		}
		if t := c.Text(); t != "" {
			x.User = t
		}
		if i == len(contents)-1 {
			for _, p := range c.Parts {
				if p.FunctionResponse != nil {
					x.ToolResults = append(x.ToolResults, p.FunctionResponse.Output())
				}
			}
		}
	}
	return x
}

func promptTokens(req *GenerateRequest) int {
	n := 0
	if req.SystemInstruction != nil {
		n += openaifake.CountTokens(req.SystemInstruction.Text())
	}
	for _, c := range req.Contents {
		n += 3 + openaifake.CountTokens(c.Text())
	}
	for _, t := range req.Tools {
		for _, d := range t.FunctionDeclarations {
			n += openaifake.CountTokens(d.Name + d.Description + string(d.Parameters))
		}
	}
	return n
}

// stream answers a valid request: one GenerateContentResponse per text
// token, then one holding the function calls (the service sends them
// whole; the first carries a thought signature, as thinking models do);
// the last chunk has the finish reason and the full usage. Lines end with
// CRLF, as the service's do, and the stream ends with the body.
func (f *Fake) stream(w http.ResponseWriter, r *http.Request, model string, req *GenerateRequest) {
	reply := f.Respond(exchange(req))
	var stops []string
	maxTokens := 0
	if g := req.GenerationConfig; g != nil {
		stops = g.StopSequences
		if g.MaxOutputTokens != nil {
			maxTokens = *g.MaxOutputTokens
		}
	}
	out := openaifake.Generate(reply.Text, stops, maxTokens)
	calls := reply.ToolCalls
	finish := "STOP"
	switch {
	case out.Truncated:
		finish, calls = "MAX_TOKENS", nil
	case out.Stop != "":
		calls = nil
	}
	sum := openaifake.Hash(req)
	var idb [8]byte
	binary.BigEndian.PutUint64(idb[:], sum)
	id := base64.RawURLEncoding.EncodeToString(idb[:])
	prompt := promptTokens(req)
	details := []modalityCount{{Modality: "TEXT", TokenCount: prompt}}
	chunk := func(parts []outPart, last bool, completion int) response {
		c := response{Candidates: []candidate{{Content: outContent{Parts: parts, Role: "model"}}},
			UsageMetadata: usage{PromptTokenCount: prompt, TotalTokenCount: prompt, PromptTokensDetails: details},
			ModelVersion:  model, ResponseID: id}
		if last {
			c.Candidates[0].FinishReason = finish
			c.UsageMetadata.CandidatesTokenCount = completion
			c.UsageMetadata.TotalTokenCount = prompt + completion
		}
		return c
	}
	var callParts []outPart
	for i, c := range calls {
		p := outPart{FunctionCall: &FunctionCall{Name: c.Name, Args: c.Arguments}}
		if i == 0 {
			p.ThoughtSignature = base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "fake-signature-%016x", sum))
		}
		callParts = append(callParts, p)
	}
	s := f.Stream(w, r, true)
	completion := len(out.Tokens) + len(calls)
	for i := range out.Tokens {
		if s.Next() != nil {
			return
		}
		if s.Send("", chunk([]outPart{{Text: &out.Tokens[i]}}, i == len(out.Tokens)-1 && len(calls) == 0, completion)) != nil {
			return
		}
	}
	if len(calls) > 0 || len(out.Tokens) == 0 {
		if s.Next() != nil {
			return
		}
		parts := callParts
		if len(parts) == 0 {
			empty := ""
			parts = []outPart{{Text: &empty}}
		}
		_ = s.Send("", chunk(parts, true, completion))
	}
}
