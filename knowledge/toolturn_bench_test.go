package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/embeddings"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
	"github.com/switchboard-voice/switchboard/providers/openai"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
)

// BenchmarkToolRoundTrip is the time from the caller's final words to
// the reply's first token in each retrieval mode, with the model fake
// and the embeddings fake over loopback HTTP at realistic latencies, the
// real OpenAI-compatible client and a warm index of 10,000 chunks:
//
//   - none: one model request, no retrieval (the floor);
//   - prompt (rag_inject_before_llm, Famulor's prompt): the caller's
//     words embedded and searched, the excerpts injected, one request;
//   - tool (Famulor's function_call): a first request whose answer is a
//     searchKnowledgeBase call, the model's query embedded and searched,
//     then a second request with the result.
//
// tool-added is the tool mode's first token less the prompt mode's, per
// iteration: what the second model request costs a turn.
func BenchmarkToolRoundTrip(b *testing.B) {
	const (
		embedLatency = 50 * time.Millisecond  // a nearby region's embeddings API
		firstToken   = 350 * time.Millisecond // a small hosted model's time to first token
		tokensPerSec = 60.0
	)
	chunks, _ := randomChunks(10_000)
	emb := httptest.NewServer(embeddingsfake.New(embeddingsfake.Options{Latency: embedLatency}))
	defer emb.Close()
	ec, err := embeddings.New(embeddings.Config{Model: "text-embedding-3-small", APIKey: "k", BaseURL: emb.URL + "/v1"})
	if err != nil {
		b.Fatal(err)
	}
	model, err := openaifake.New(openaifake.Options{Config: openaifake.Config{
		Latency: openaifake.Latency{FirstToken: firstToken, TokensPerSecond: tokensPerSec},
		Script: openaifake.Script{Default: "A basic service costs 49 euros.", Rules: []openaifake.Rule{{Contains: "[tool]",
			ToolCalls: []openaifake.ToolCall{{Name: ToolName, Arguments: json.RawMessage(`{"query":"price of a basic service"}`)}},
			AfterTool: "A basic service costs 49 euros."}}}}})
	if err != nil {
		b.Fatal(err)
	}
	llmSrv := httptest.NewServer(model)
	defer func() { model.Close(); llmSrv.Close() }()
	llm, err := openai.New(openai.Config{Provider: "custom", Model: "gpt-4o-mini", BaseURL: llmSrv.URL + "/v1",
		HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}})
	if err != nil {
		b.Fatal(err)
	}
	r := NewRetriever(RetrieverOptions{Chunks: memChunks{chunks}, Embedders: fakeEmbedders{ec}})
	cfg := assistant.Defaults()
	cfg.RAGSettings.Enabled, cfg.RAGSettings.SimilarityThreshold = true, 0
	ctx := context.Background()
	if err := r.Warm(ctx, 1, 1, cfg.RAGSettings); err != nil {
		b.Fatal(err)
	}
	// the tool as a call offers it (actors/call's definition, abridged)
	tool := voice.Tool{Name: ToolName, Description: "Search the documents of this assistant's knowledge base.",
		Parameters: map[string]any{"type": "object", "required": []any{"query"},
			"properties": map[string]any{"query": map[string]any{"type": "string"}}}}
	system := voice.Message{Role: voice.RoleSystem, Content: "You work at a bike shop."}

	// generate runs one generation: its first text's time, or the tool
	// call it asked for.
	generate := func(req voice.LLMRequest) (time.Time, *voice.ToolCall) {
		var first time.Time
		var call *voice.ToolCall
		err := llm.Generate(ctx, req, func(ev voice.LLMEvent) {
			switch ev := ev.(type) {
			case *voice.TextDelta:
				if first.IsZero() {
					first = time.Now()
				}
			case *voice.ToolCallEvent:
				call = &ev.Call
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		return first, call
	}
	search := func(q string) []Hit {
		hits, err := r.Search(ctx, 1, 1, cfg, q)
		if err != nil {
			b.Fatal(err)
		}
		return hits
	}
	ctw := cfg.RAGSettings.ContextWindowTokens

	var none, prompt, tool2, added []time.Duration
	for i := 0; b.Loop(); i++ {
		user := fmt.Sprintf("how much is a basic service, question %d", i)

		start := time.Now()
		first, _ := generate(voice.LLMRequest{Messages: []voice.Message{system, {Role: voice.RoleUser, Content: user}}})
		none = append(none, first.Sub(start))

		start = time.Now()
		injected := system
		injected.Content = Inject(system.Content, search(user), true, ctw)
		first, _ = generate(voice.LLMRequest{Messages: []voice.Message{injected, {Role: voice.RoleUser, Content: user}}})
		p := first.Sub(start)
		prompt = append(prompt, p)

		start = time.Now()
		msgs := []voice.Message{system, {Role: voice.RoleUser, Content: "[tool] " + user}}
		_, call := generate(voice.LLMRequest{Messages: msgs, Tools: []voice.Tool{tool}})
		if call == nil {
			b.Fatal("the model called no tool")
		}
		var args struct{ Query string }
		if err := json.Unmarshal([]byte(call.Arguments), &args); err != nil {
			b.Fatal(err)
		}
		result := Format(search(args.Query), true, ctw)
		msgs = append(msgs, voice.Message{Role: voice.RoleAssistant, ToolCalls: []voice.ToolCall{*call}},
			voice.Message{Role: voice.RoleTool, ToolCallID: call.ID, Content: result})
		first, _ = generate(voice.LLMRequest{Messages: msgs, Tools: []voice.Tool{tool}})
		tl := first.Sub(start)
		tool2 = append(tool2, tl)
		added = append(added, tl-p)
	}
	percentiles(b, "none-first-token", none)
	percentiles(b, "prompt-first-token", prompt)
	percentiles(b, "tool-first-token", tool2)
	percentiles(b, "tool-added", added)
}
