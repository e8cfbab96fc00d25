package persistence_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// analysisAssistant stores an assistant whose configuration is the
// defaults changed by edit, stored whole as the registry stores it.
func analysisAssistant(t *testing.T, s *persistence.Store, org int64, edit func(*assistant.AnalysisSettings)) int64 {
	t.Helper()
	ctx := context.Background()
	cfg := assistant.Defaults()
	cfg.Name = "Analysed"
	if edit != nil {
		edit(&cfg.AnalysisSettings)
	}
	doc, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.NextAssistantID(ctx)
	if _, err := s.InsertAssistant(ctx, persistence.AssistantRow{ID: id, OrganizationID: org, Name: cfg.Name, IsActive: true, Config: doc}); err != nil {
		t.Fatal(err)
	}
	return id
}

// conversation has n caller and assistant messages after a system prompt
// and an empty assistant message (a tool call's), which do not count.
func conversation(n int) []voice.Message {
	out := []voice.Message{{Role: voice.RoleSystem, Content: "sys"},
		{Role: voice.RoleAssistant, ToolCalls: []voice.ToolCall{{ID: "c1", Name: "look_up"}}}, {Role: voice.RoleTool, ToolCallID: "c1", Content: "ok"}}
	for i := range n {
		role := voice.RoleUser
		if i%2 == 1 {
			role = voice.RoleAssistant
		}
		out = append(out, voice.Message{Role: role, Content: fmt.Sprint("message ", i)})
	}
	return out
}

func analysisOf(t *testing.T, s *persistence.Store, org int64, sid string) *persistence.CallAnalysis {
	t.Helper()
	c, err := s.GetCallBySID(context.Background(), org, sid)
	if err != nil {
		t.Fatal(err)
	}
	return c.Analysis
}

// A call is analysed when its assistant enables a step and it has enough
// messages; its end-of-call report then waits for it.
func TestAnalysisEnqueuedAtTheCallsEnd(t *testing.T) {
	s, org, plain := callStore(t)
	defaults := analysisAssistant(t, s, org, nil)
	off := analysisAssistant(t, s, org, func(a *assistant.AnalysisSettings) { a.Summary.Enabled = false })
	extractOnly := analysisAssistant(t, s, org, func(a *assistant.AnalysisSettings) {
		a.Summary.Enabled, a.StructuredData.Enabled, a.MinMessages, a.WebhookWaitSeconds = false, true, 0, 5
	})
	for _, c := range []struct {
		sid      string
		asst     int64
		messages int
		want     bool
	}{
		{"C-enough", defaults, 2, true},
		{"C-one-message", defaults, 1, false},
		{"C-no-history", defaults, -1, false},
		{"C-all-off", off, 4, false},
		{"C-no-minimum", extractOnly, 0, true},
		{"C-unconfigured", plain[0], 4, false}, // a stored config without analysis_settings
	} {
		var conv []voice.Message
		if c.messages >= 0 {
			conv = conversation(c.messages)
		}
		writeCall(t, s, c.sid, org, c.asst, "+15550000001", t0, time.Minute, events.EndCallerHungUp, conv)
		a := analysisOf(t, s, org, c.sid)
		if (a != nil) != c.want {
			t.Errorf("%s: analysis %+v, want one: %v", c.sid, a, c.want)
		}
	}
	if a := analysisOf(t, s, org, "C-enough"); a.Status != persistence.AnalysisPending || !a.WaitUntil.Equal(t0.Add(2*time.Minute)) ||
		a.Attempts != 0 || a.Done() {
		t.Fatalf("enqueued %+v", a)
	}
	if a := analysisOf(t, s, org, "C-no-minimum"); !a.WaitUntil.Equal(t0.Add(65 * time.Second)) {
		t.Fatalf("wait %v", a.WaitUntil)
	}
	// a replayed end enqueues nothing new
	end := persistence.Record{Kind: persistence.RecordEnded, CallSID: "C-enough", Seq: 3, At: t0.Add(time.Hour),
		End: &persistence.CallEnd{Reason: events.EndError}}
	if err := s.WriteRecords(context.Background(), []persistence.Record{end}); err != nil {
		t.Fatal(err)
	}
	if a := analysisOf(t, s, org, "C-enough"); !a.CreatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("replayed %+v", a)
	}
}

func pendingCall(t *testing.T, s *persistence.Store, org, asst int64, sid string) {
	t.Helper()
	writeCall(t, s, sid, org, asst, "+15550000001", t0, time.Minute, events.EndCallerHungUp, conversation(2))
}

// Claims lease analyses; a finished attempt records its steps and usage,
// a stale claim records nothing, a released one is due again at once.
func TestAnalysisClaimFinishRelease(t *testing.T) {
	ctx := context.Background()
	s, org, _ := callStore(t)
	asst := analysisAssistant(t, s, org, nil)
	for _, sid := range []string{"C1", "C2", "C3"} {
		pendingCall(t, s, org, asst, sid)
	}
	now := t0.Add(2 * time.Minute)
	jobs, err := s.ClaimAnalyses(ctx, now, time.Minute, 2)
	if err != nil || len(jobs) != 2 || jobs[0].Attempt != 1 || jobs[0].OrganizationID != org {
		t.Fatalf("claimed %+v, %v", jobs, err)
	}
	if more, _ := s.ClaimAnalyses(ctx, now, time.Minute, 5); len(more) != 1 {
		t.Fatalf("claimed again %+v", more)
	}
	if none, _ := s.ClaimAnalyses(ctx, now.Add(59*time.Second), time.Minute, 5); len(none) != 0 {
		t.Fatalf("leased analyses claimed %+v", none)
	}

	summary, model, provider := "A caller asked.", "gpt-4o-mini", "openai"
	first := jobs[0]
	fail := persistence.AnalysisOutcome{CallID: first.CallID, Attempt: 1, Status: persistence.AnalysisPending,
		Result: persistence.AnalysisResult{Summary: &summary}, Usage: persistence.Usage{PromptTokens: 10, CompletionTokens: 3},
		Error: "openai: status 503", Retry: now.Add(30 * time.Second), At: now}
	if err := s.FinishAnalysis(ctx, fail); err != nil {
		t.Fatal(err)
	}
	again, _ := s.ClaimAnalyses(ctx, now.Add(30*time.Second), time.Minute, 5)
	if len(again) != 1 || again[0].CallID != first.CallID || again[0].Attempt != 2 || *again[0].Done.Summary != summary {
		t.Fatalf("retried %+v", again)
	}
	if err := s.FinishAnalysis(ctx, fail); !errors.Is(err, persistence.ErrStaleClaim) {
		t.Fatalf("stale claim: %v", err)
	}
	data := json.RawMessage(`{"intent":"booking"}`)
	done := persistence.AnalysisOutcome{CallID: first.CallID, Attempt: 2, Status: persistence.AnalysisCompleted,
		Result: persistence.AnalysisResult{Summary: &summary, StructuredData: data, Provider: &provider, Model: &model,
			Evaluation: &persistence.AnalysisEvaluation{Successful: true, Reason: "booked"}},
		Usage: persistence.Usage{PromptTokens: 20, CompletionTokens: 5}, At: now.Add(31 * time.Second)}
	if err := s.FinishAnalysis(ctx, done); err != nil {
		t.Fatal(err)
	}
	var sid string
	for _, id := range []string{"C1", "C2", "C3"} {
		if c, _ := s.GetCallBySID(ctx, org, id); c.ID == first.CallID {
			sid = id
		}
	}
	a := analysisOf(t, s, org, sid)
	if a.Status != persistence.AnalysisCompleted || *a.Summary != summary || string(a.StructuredData) != `{"intent": "booking"}` ||
		a.Evaluation == nil || !a.Evaluation.Successful || a.PromptTokens != 30 || a.CompletionTokens != 8 || a.Attempts != 2 ||
		a.LastError != nil || a.CompletedAt == nil || !a.Done() || *a.Model != model {
		t.Fatalf("completed %+v", a)
	}
	got, err := s.GetCallAnalysis(ctx, org, first.CallID)
	if err != nil || got.Status != a.Status || *got.Provider != provider {
		t.Fatalf("get %+v %v", got, err)
	}
	if _, err := s.GetCallAnalysis(ctx, org+1, first.CallID); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("another organization: %v", err)
	}

	second := jobs[1]
	if err := s.ReleaseAnalysis(ctx, second.CallID, second.Attempt, now.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	back, _ := s.ClaimAnalyses(ctx, now.Add(5*time.Second), time.Minute, 5)
	if len(back) != 1 || back[0].CallID != second.CallID || back[0].Attempt != 1 {
		t.Fatalf("released %+v", back)
	}
}

// Concurrent claims never hand out one analysis twice.
func TestAnalysisClaimsDoNotOverlap(t *testing.T) {
	ctx := context.Background()
	s, org, _ := callStore(t)
	asst := analysisAssistant(t, s, org, nil)
	const calls = 30
	for i := range calls {
		pendingCall(t, s, org, asst, fmt.Sprint("C", i))
	}
	var (
		mu   sync.Mutex
		seen = map[int64]int{}
		wg   sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for {
				jobs, err := s.ClaimAnalyses(ctx, t0.Add(2*time.Minute), time.Hour, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(jobs) == 0 {
					return
				}
				mu.Lock()
				for _, j := range jobs {
					seen[j.CallID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != calls {
		t.Fatalf("%d analyses claimed", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("call %d claimed %d times", id, n)
		}
	}
}

// An end-of-call report waits for its call's pending analysis until the
// analysis is done or its wait is over; other webhooks never wait.
func TestReportWaitsForAnalysis(t *testing.T) {
	ctx := context.Background()
	s, org, _ := callStore(t)
	asst := analysisAssistant(t, s, org, func(a *assistant.AnalysisSettings) { a.WebhookWaitSeconds = 30 })
	started := persistence.Record{Kind: persistence.RecordStarted, CallSID: "C1", Seq: 1, At: t0,
		Call: &persistence.CallInfo{OrganizationID: org, AssistantID: asst, From: "+15550000001", To: "+15550000000",
			Direction: "inbound", Carrier: "twilio", WebhookURL: "https://hooks.example/x"}}
	history := persistence.Record{Kind: persistence.RecordHistory, CallSID: "C1", Seq: 2, At: t0}
	for _, m := range conversation(2) {
		history.Messages = append(history.Messages, persistence.NewChatMessage(m))
	}
	end := persistence.Record{Kind: persistence.RecordEnded, CallSID: "C1", Seq: 3, At: t0.Add(time.Minute),
		End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 60000}}
	if err := s.WriteRecords(ctx, []persistence.Record{started, history, end}); err != nil {
		t.Fatal(err)
	}
	types := func(at time.Time) []string {
		rows, err := s.ClaimWebhooks(ctx, at, time.Second, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Type)
			if err := s.FinishWebhook(ctx, persistence.WebhookAttempt{OutboxID: r.ID, CallID: r.CallID, Attempt: r.Attempt,
				Success: true, At: at, Headers: map[string]string{}}); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	at := t0.Add(time.Minute)
	for _, want := range []string{persistence.WebhookStatusUpdate, persistence.WebhookStatusUpdate} {
		if got := types(at); len(got) != 1 || got[0] != want {
			t.Fatalf("claimed %v, want %s", got, want)
		}
	}
	if got := types(at.Add(29 * time.Second)); len(got) != 0 {
		t.Fatalf("the report went before its analysis: %v", got)
	}
	if got := types(at.Add(30 * time.Second)); len(got) != 1 || got[0] != persistence.WebhookEndOfCall {
		t.Fatalf("the report waited past its bound: %v", got)
	}

	// a second call: its analysis completes, and the report goes at once
	for i := range []int{0, 1, 2} {
		r := []persistence.Record{started, history, end}[i]
		r.CallSID = "C2"
		if err := s.WriteRecords(ctx, []persistence.Record{r}); err != nil {
			t.Fatal(err)
		}
	}
	types(at) // its status updates
	types(at)
	if got := types(at); len(got) != 0 {
		t.Fatalf("the report went before its analysis: %v", got)
	}
	jobs, _ := s.ClaimAnalyses(ctx, at, time.Minute, 5)
	if len(jobs) != 2 { // C1's, still pending, and C2's
		t.Fatalf("claimed %+v", jobs)
	}
	for _, j := range jobs {
		if err := s.FinishAnalysis(ctx, persistence.AnalysisOutcome{CallID: j.CallID, Attempt: j.Attempt,
			Status: persistence.AnalysisCompleted, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	if got := types(at); len(got) != 1 || got[0] != persistence.WebhookEndOfCall {
		t.Fatalf("after the analysis: %v", got)
	}
}
