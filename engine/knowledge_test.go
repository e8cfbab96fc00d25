package engine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// withKnowledgeFakes is withScript with OpenAI served by a model fake
// whose requests the test reads and an embeddings fake beside it.
func withKnowledgeFakes(t *testing.T, script openaifake.Script) (func(*engine.Config), *openaifake.Fake) {
	base := withScript(t, script)
	model, err := openaifake.New(openaifake.Options{Config: openaifake.Config{Script: script}})
	if err != nil {
		t.Fatal(err)
	}
	emb := embeddingsfake.New(embeddingsfake.Options{})
	mux := http.NewServeMux()
	mux.Handle("/v1/embeddings", emb)
	mux.Handle("/", model)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { model.Close(); srv.Close() })
	return func(c *engine.Config) {
		base(c)
		env := c.Getenv
		c.Getenv = func(k string) string {
			if k == "SWITCHBOARD_OPENAI_BASE_URL" {
				return srv.URL + "/v1"
			}
			return env(k)
		}
	}, model
}

// addGuide uploads the bundled customer guide to an assistant and waits
// until it is processed.
func addGuide(t *testing.T, srv *enginetest.Server, key string, assistantID int64) {
	t.Helper()
	guide, err := os.ReadFile("../demo/bike-shop.md")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", "bike-shop.md")
	_, _ = fw.Write(guide)
	_ = w.Close()
	status, _, resp := send(t, "POST", fmt.Sprintf("%s/api/v1/assistants/%d/documents/upload", srv.URL, assistantID), key,
		http.Header{"Content-Type": {w.FormDataContentType()}}, &body)
	var doc struct{ ID int64 }
	if status != http.StatusCreated || json.Unmarshal(resp, &doc) != nil {
		t.Fatalf("upload: %d %s", status, resp)
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		var st struct {
			ProcessingStatus string `json:"processing_status"`
		}
		getJSON(t, fmt.Sprintf("%s/api/v1/assistants/%d/documents/%d/status", srv.URL, assistantID, doc.ID), key, &st)
		if st.ProcessingStatus != "completed" {
			return fmt.Errorf("document %s", st.ProcessingStatus)
		}
		return nil
	})
}

// systemPrompts are the system messages and tool names of the chat
// requests a model fake received.
func chatRequests(t *testing.T, model *openaifake.Fake) (systems []string, tools [][]string) {
	t.Helper()
	for _, r := range model.Requests() {
		var req struct {
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
			Tools []struct {
				Function struct{ Name string } `json:"function"`
			} `json:"tools"`
		}
		if json.Unmarshal(r.Body, &req) != nil || len(req.Messages) == 0 {
			continue
		}
		systems = append(systems, req.Messages[0].Content)
		var names []string
		for _, tl := range req.Tools {
			names = append(names, tl.Function.Name)
		}
		tools = append(tools, names)
	}
	return systems, tools
}

// With rag_inject_before_llm (Famulor's prompt mode) the excerpts found
// for the caller's words are in the system prompt of the reply's request,
// with their source, and no searchKnowledgeBase tool is offered.
func TestCallInjectsKnowledgeBeforeTheModel(t *testing.T) {
	fakes, model := withKnowledgeFakes(t, openaifake.Script{Default: "You said: {user}"})
	srv := enginetest.Start(t, fakes)
	org, key := srv.Key("Shop")
	snap := createAssistant(t, srv, org, key, `{"name":"Guide","llm_settings":{"system_prompt":"You work at a bike shop."},
		"rag_settings":{"enabled":true,"rag_inject_before_llm":true,"similarity_threshold":0.2,"search_limit":2,"chunk_size":300,"chunk_overlap":50}}`)
	addGuide(t, srv, key, snap.ID)
	l := dial(t, srv, snap, "CA-inject")
	l.say("how much is a basic service")
	testkit.Eventually(t, 20*time.Second, func() error {
		if !strings.Contains(l.heard(), "You said: How much is a basic service.") {
			return fmt.Errorf("heard %q", l.heard())
		}
		return nil
	})
	l.call.Stopped()
	systems, tools := chatRequests(t, model)
	if len(systems) == 0 {
		t.Fatal("no chat request")
	}
	last := systems[len(systems)-1]
	if !strings.HasPrefix(last, "You work at a bike shop.") || !strings.Contains(last, "## Available Document Context") ||
		!strings.Contains(last, "[Source: bike-shop.md]") || !strings.Contains(last, "A basic service costs 49 euros") {
		t.Fatalf("system prompt:\n%s", last)
	}
	for _, names := range tools {
		for _, n := range names {
			if n == knowledge.ToolName {
				t.Fatalf("tool offered in prompt mode: %v", names)
			}
		}
	}
}

// Without it (Famulor's function_call mode) the model gets the
// searchKnowledgeBase tool, and the passage found is its result.
func TestCallSearchesKnowledgeAsATool(t *testing.T) {
	script := openaifake.Script{Rules: []openaifake.Rule{{Contains: "service",
		ToolCalls: []openaifake.ToolCall{{Name: knowledge.ToolName, Arguments: []byte(`{"query":"{user}"}`)}},
		AfterTool: "The guide says: {result}"}}}
	fakes, model := withKnowledgeFakes(t, script)
	srv := enginetest.Start(t, fakes)
	org, key := srv.Key("Shop")
	snap := createAssistant(t, srv, org, key, `{"name":"Guide","rag_settings":{"enabled":true,"similarity_threshold":0.2,
		"search_limit":1,"chunk_size":300,"chunk_overlap":50,"include_metadata":false}}`)
	addGuide(t, srv, key, snap.ID)
	l := dial(t, srv, snap, "CA-tool")
	l.say("how much is a full service")
	testkit.Eventually(t, 20*time.Second, func() error {
		if !strings.Contains(l.heard(), "The guide says:") || !strings.Contains(l.heard(), "119 euros") {
			return fmt.Errorf("heard %q", l.heard())
		}
		return nil
	})
	l.call.Stopped()
	systems, tools := chatRequests(t, model)
	if len(tools) == 0 || !strings.Contains(strings.Join(tools[0], ","), knowledge.ToolName) {
		t.Fatalf("tools offered: %v", tools)
	}
	for _, s := range systems {
		if strings.Contains(s, "Available Document Context") {
			t.Fatalf("context injected in tool mode: %s", s)
		}
	}
}

// A knowledge base made through Famulor's API and attached by an
// assistant's knowledgebase_id grounds its answers: in function_call mode
// the searchKnowledgeBase tool finds the attached base's passage (the
// assistant has no document of its own), in prompt mode the excerpts are
// injected before the model is asked.
func TestCallAnswersFromAFamulorKnowledgebase(t *testing.T) {
	script := openaifake.Script{Default: "You said: {user}", Rules: []openaifake.Rule{{Contains: "full service",
		ToolCalls: []openaifake.ToolCall{{Name: knowledge.ToolName, Arguments: []byte(`{"query":"{user}"}`)}},
		AfterTool: "The guide says: {result}"}}}
	fakes, model := withKnowledgeFakes(t, script)
	srv := enginetest.Start(t, fakes)
	org, key := srv.Key("Shop")
	famulor := func(method, path string, body string, want int) []byte {
		t.Helper()
		status, _, resp := send(t, method, srv.URL+path, key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
		if status != want {
			t.Fatalf("%s %s: %d %s", method, path, status, resp)
		}
		return resp
	}
	var kb struct{ Data struct{ ID int64 } }
	if err := json.Unmarshal(famulor("POST", "/api/user/knowledgebases", `{"name":"Bike shop"}`, http.StatusCreated), &kb); err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile("../demo/bike-shop.md")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("name", "Customer guide")
	_ = w.WriteField("type", "txt")
	fw, _ := w.CreateFormFile("file", "bike-shop.md")
	_, _ = fw.Write(guide)
	_ = w.Close()
	docs := fmt.Sprintf("%s/api/user/knowledgebases/%d/documents", srv.URL, kb.Data.ID)
	status, _, resp := send(t, "POST", docs, key, http.Header{"Content-Type": {w.FormDataContentType()}}, &body)
	var doc struct{ Data struct{ ID int64 } }
	if status != http.StatusCreated || json.Unmarshal(resp, &doc) != nil {
		t.Fatalf("document: %d %s", status, resp)
	}
	testkit.Eventually(t, 30*time.Second, func() error {
		var d struct{ Data struct{ Status string } }
		getJSON(t, fmt.Sprintf("%s/%d", docs, doc.Data.ID), key, &d)
		if d.Data.Status != "ready" {
			return fmt.Errorf("document %s", d.Data.Status)
		}
		return nil
	})

	snap := createAssistant(t, srv, org, key, `{"name":"Guide","llm_settings":{"system_prompt":"You work at a bike shop."},
		"rag_settings":{"similarity_threshold":0.1,"search_limit":2,"include_metadata":true}}`)
	attach := func(mode string) {
		t.Helper()
		famulor("PUT", fmt.Sprintf("/api/user/assistant/%d", snap.ID),
			fmt.Sprintf(`{"knowledgebase_id":%d,"knowledgebase_mode":%q}`, kb.Data.ID, mode), http.StatusOK)
		s, err := srv.Assistants.Get(t.Context(), org, snap.ID)
		if err != nil {
			t.Fatal(err)
		}
		snap = s
	}

	attach("function_call")
	l := dial(t, srv, snap, "CA-famulor-tool")
	l.say("how much is a full service")
	testkit.Eventually(t, 20*time.Second, func() error {
		if !strings.Contains(l.heard(), "The guide says: [Source: Customer guide]") {
			return fmt.Errorf("heard %q", l.heard())
		}
		return nil
	})
	l.call.Stopped()
	if _, tools := chatRequests(t, model); len(tools) == 0 || !strings.Contains(strings.Join(tools[0], ","), knowledge.ToolName) {
		t.Fatalf("tools offered: %v", tools)
	}
	// the tool's result the model answered from holds the passage (the
	// reply, the guide's two chunks read out, takes longer to hear)
	if r := toolResults(t, model); !strings.Contains(r, "A full service costs 119 euros") {
		t.Fatalf("tool results: %s", r)
	}

	attach("prompt")
	l = dial(t, srv, snap, "CA-famulor-prompt")
	l.say("how much is a basic service")
	testkit.Eventually(t, 20*time.Second, func() error {
		if !strings.Contains(l.heard(), "You said: How much is a basic service.") {
			return fmt.Errorf("heard %q", l.heard())
		}
		return nil
	})
	l.call.Stopped()
	systems, _ := chatRequests(t, model)
	last := ""
	for _, s := range systems {
		if strings.HasPrefix(s, "You work at a bike shop.") {
			last = s // the reply's, not a post-call analysis's
		}
	}
	if !strings.Contains(last, "## Available Document Context") || !strings.Contains(last, "[Source: Customer guide]") ||
		!strings.Contains(last, "A basic service costs 49 euros") {
		t.Fatalf("system prompt:\n%s", last)
	}
}

// toolResults are the tool messages of the chat requests a model fake
// received.
func toolResults(t *testing.T, model *openaifake.Fake) string {
	t.Helper()
	var out []string
	for _, r := range model.Requests() {
		var req struct {
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		if json.Unmarshal(r.Body, &req) != nil {
			continue
		}
		for _, m := range req.Messages {
			if m.Role == "tool" {
				out = append(out, m.Content)
			}
		}
	}
	return strings.Join(out, "\n")
}
