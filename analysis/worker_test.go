package analysis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-voice/switchboard/analysis"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/providers"
	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/fault"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// configs serves assistants' configurations; a missing one is deleted.
type configs struct {
	mu  sync.Mutex
	cfg map[int64]assistant.Config
}

func (c *configs) AssistantConfig(_ context.Context, _, id int64) (assistant.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cfg, ok := c.cfg[id]
	if !ok {
		return assistant.Config{}, analysis.ErrNoAssistant
	}
	return cfg, nil
}

// queue is a database with an organization and an assistant whose calls
// are analysed, the provider fakes, and a provider Set pointed at them.
type queue struct {
	t       testing.TB
	dsn     string
	store   *persistence.Store
	org     int64
	asst    int64
	configs *configs
	fakes   *fakes.Fakes
	models  *providers.Set
	clock   *clock.Virtual
}

func newQueue(t testing.TB) *queue {
	t.Helper()
	ctx := context.Background()
	q := &queue{t: t, dsn: pgtest.DSN(t), clock: clock.NewVirtual(t0.Add(2 * time.Minute))}
	q.store, _ = q.open()
	org, err := q.store.EnsureOrganization(ctx, "Org")
	if err != nil {
		t.Fatal(err)
	}
	q.org = org.ID
	cfg := assistant.Defaults()
	cfg.Name = "Booker"
	cfg.AnalysisSettings = settings()
	doc, _ := json.Marshal(cfg)
	q.asst, _ = q.store.NextAssistantID(ctx)
	if _, err := q.store.InsertAssistant(ctx, persistence.AssistantRow{ID: q.asst, OrganizationID: q.org, Name: cfg.Name, IsActive: true, Config: doc}); err != nil {
		t.Fatal(err)
	}
	q.configs = &configs{cfg: map[int64]assistant.Config{q.asst: cfg}}
	q.fakes, err = fakes.New(fakes.Options{Script: script})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(q.fakes)
	t.Cleanup(func() { q.fakes.Close(); srv.Close() })
	env := map[string]string{"OPENAI_API_KEY": "fake-key"}
	for _, kv := range q.fakes.Env(srv.URL) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	q.models = providers.New(providers.Config{Getenv: func(k string) string { return env[k] }})
	return q
}

// open is a new pool on the queue's database: another node.
func (q *queue) open() (*persistence.Store, *pgxpool.Pool) {
	pool, err := persistence.Open(context.Background(), q.dsn)
	if err != nil {
		q.t.Fatal(err)
	}
	q.t.Cleanup(pool.Close)
	return persistence.NewStore(pool), pool
}

// call records a whole call with the conversation of the tests' call.
func (q *queue) call(sid string) {
	q.t.Helper()
	recs := []persistence.Record{{Kind: persistence.RecordStarted, CallSID: sid, Seq: 1, At: t0,
		Call: &persistence.CallInfo{OrganizationID: q.org, AssistantID: q.asst, From: "+15550000001", To: "+15550000002",
			Direction: "inbound", Carrier: "twilio"}}}
	h := persistence.Record{Kind: persistence.RecordHistory, CallSID: sid, Seq: 2, At: t0}
	for _, m := range call.Messages {
		h.Messages = append(h.Messages, persistence.ChatMessage{Role: m.Role, Content: m.Content, ToolCalls: m.ToolCalls})
	}
	end := persistence.Record{Kind: persistence.RecordEnded, CallSID: sid, Seq: 3, At: t0.Add(time.Minute),
		End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 60000}}
	if err := q.store.WriteRecords(context.Background(), append(recs, h, end)); err != nil {
		q.t.Fatal(err)
	}
}

func (q *queue) worker(store *persistence.Store, o analysis.Options) *analysis.Worker {
	o.Store, o.Configs, o.Models, o.Clock = store, q.configs, q.models, q.clock
	return analysis.New(o)
}

func (q *queue) analysis(sid string) *persistence.CallAnalysis {
	q.t.Helper()
	c, err := q.store.GetCallBySID(context.Background(), q.org, sid)
	if err != nil {
		q.t.Fatal(err)
	}
	return c.Analysis
}

func (q *queue) faults() *fault.Injector {
	inj, _ := q.fakes.Faults("openai")
	return inj
}

// Queued analyses run on the assistant's model and are stored with their
// calls; each done one lets its report go.
func TestWorkerRunsQueuedAnalyses(t *testing.T) {
	q := newQueue(t)
	for i := range 3 {
		q.call(fmt.Sprint("CA", i))
	}
	var finished atomic.Int32
	w := q.worker(q.store, analysis.Options{Finished: func() { finished.Add(1) }})
	if n, err := w.RunDue(context.Background()); n != 3 || err != nil {
		t.Fatalf("ran %d: %v", n, err)
	}
	for i := range 3 {
		a := q.analysis(fmt.Sprint("CA", i))
		if a.Status != persistence.AnalysisCompleted || *a.Summary != "Ada booked a table for four." ||
			string(a.StructuredData) != `{"name": "Ada", "seats": 4, "intent": "booking"}` || a.Evaluation == nil ||
			*a.Provider != "openai" || *a.Model != "gpt-4o-mini" || a.PromptTokens == 0 || a.Attempts != 1 {
			t.Fatalf("analysis %+v: %v", a, *a.LastError)
		}
	}
	if finished.Load() != 3 {
		t.Fatalf("finished %d", finished.Load())
	}
	if n, _ := w.RunDue(context.Background()); n != 0 {
		t.Fatalf("ran %d again", n)
	}
}

// A model that cannot be reached fails the attempt, which is due again
// after a jittered backoff; past the last attempt the analysis fails.
func TestWorkerRetriesWithBackoffThenGivesUp(t *testing.T) {
	q := newQueue(t)
	q.call("CA1")
	var finished atomic.Int32
	w := q.worker(q.store, analysis.Options{MaxAttempts: 2, Backoff: backoff.Policy{Min: 10 * time.Second, Max: time.Minute},
		Finished: func() { finished.Add(1) }})
	q.faults().Next(fault.Fault{Kind: fault.Unavailable}, 1)
	if n, _ := w.RunDue(context.Background()); n != 1 {
		t.Fatal("not claimed")
	}
	a := q.analysis("CA1")
	if a.Status != persistence.AnalysisPending || a.Attempts != 1 || a.LastError == nil || !strings.Contains(*a.LastError, "503") ||
		finished.Load() != 0 {
		t.Fatalf("after a 503: %+v", a)
	}
	q.clock.Advance(7900 * time.Millisecond) // the wait is 10 s ± 20 %
	if n, _ := w.RunDue(context.Background()); n != 0 {
		t.Fatal("retried before its backoff")
	}
	q.clock.Advance(4200 * time.Millisecond)
	q.faults().Always(fault.Fault{Kind: fault.ServerError})
	if n, _ := w.RunDue(context.Background()); n != 1 {
		t.Fatal("not retried after its backoff")
	}
	a = q.analysis("CA1")
	if a.Status != persistence.AnalysisFailed || a.Attempts != 2 || !strings.Contains(*a.LastError, "500") || a.CompletedAt == nil ||
		finished.Load() != 1 {
		t.Fatalf("given up: %+v", a)
	}
}

// A worker that stops hands its analyses back; one that dies leaves them
// leased until the lease runs out. Either way another node finishes each
// once.
func TestWorkerRestartMidQueue(t *testing.T) {
	q := newQueue(t)
	for i := range 6 {
		q.call(fmt.Sprint("CA", i))
	}
	q.faults().Always(fault.Fault{Kind: fault.Stall}) // the model hangs mid-answer

	// A stops while its two analyses hang: it releases them
	ctx, cancel := context.WithCancel(context.Background())
	node, _ := q.open()
	a := q.worker(node, analysis.Options{Workers: 2, Poll: time.Hour})
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Run(ctx)
	}()
	testkit.Eventually(t, 10*time.Second, func() error { return q.running(2) })
	cancel()
	<-done
	if err := q.running(0); err != nil {
		t.Fatal(err)
	}

	// B dies while its two analyses hang: they stay leased
	crashed, crashedPool := q.open()
	bctx, bcancel := context.WithCancel(context.Background())
	b := q.worker(crashed, analysis.Options{Workers: 2, Poll: time.Hour, Timeout: time.Minute})
	bdone := make(chan struct{})
	go func() {
		defer close(bdone)
		b.Run(bctx)
	}()
	testkit.Eventually(t, 10*time.Second, func() error { return q.running(2) })
	crashedPool.Close() // no release can reach the database
	bcancel()
	<-bdone

	// C, on another node, finishes what is due; the leased two once B's lease is over
	q.faults().Reset()
	c := q.worker(q.store, analysis.Options{Workers: 8, Timeout: time.Minute})
	if n, _ := c.RunDue(context.Background()); n != 4 {
		t.Fatalf("ran %d, want the 4 not leased", n)
	}
	q.clock.Advance(2 * time.Minute) // B's lease: its timeout and a minute
	if n, _ := c.RunDue(context.Background()); n != 2 {
		t.Fatalf("ran %d after the lease", n)
	}
	attempts := map[int]int{}
	for i := range 6 {
		an := q.analysis(fmt.Sprint("CA", i))
		if an.Status != persistence.AnalysisCompleted || an.StructuredData == nil {
			t.Fatalf("CA%d: %+v", i, an)
		}
		attempts[an.Attempts]++
	}
	if attempts[1] != 4 || attempts[2] != 2 { // released claims do not count; B's do
		t.Fatalf("attempts %v", attempts)
	}
}

// running checks how many analyses are claimed (leased) right now.
func (q *queue) running(want int) error {
	var n int
	for i := range 6 {
		if a := q.analysis(fmt.Sprint("CA", i)); a != nil && a.Attempts > 0 && a.Status == persistence.AnalysisPending {
			n++
		}
	}
	if n != want {
		return fmt.Errorf("%d analyses claimed, want %d", n, want)
	}
	return nil
}

// An analysis whose assistant is gone, or no longer enables a step, is
// skipped, and its report goes.
func TestWorkerSkips(t *testing.T) {
	q := newQueue(t)
	q.call("CA1")
	q.call("CA2")
	var finished atomic.Int32
	w := q.worker(q.store, analysis.Options{Workers: 1, Finished: func() { finished.Add(1) }})
	q.configs.mu.Lock()
	cfg := q.configs.cfg[q.asst]
	cfg.AnalysisSettings.Summary.Enabled, cfg.AnalysisSettings.StructuredData.Enabled, cfg.AnalysisSettings.Evaluation.Enabled = false, false, false
	q.configs.cfg[q.asst] = cfg
	q.configs.mu.Unlock()
	w.RunDue(context.Background())
	q.configs.mu.Lock()
	delete(q.configs.cfg, q.asst)
	q.configs.mu.Unlock()
	w.RunDue(context.Background())
	for sid, why := range map[string]string{"CA1": "enable no step", "CA2": "assistant was deleted"} {
		a := q.analysis(sid)
		if a.Status != persistence.AnalysisSkipped || a.LastError == nil || !strings.Contains(*a.LastError, why) {
			t.Errorf("%s: %+v", sid, a)
		}
	}
	if finished.Load() != 2 {
		t.Fatalf("finished %d", finished.Load())
	}
}
