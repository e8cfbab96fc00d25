package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/webhooks"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

const secret = "whsec_test"

// secrets knows one organization's secret.
type secrets struct{ org int64 }

func (s secrets) WebhookSecret(_ context.Context, org int64) (string, error) {
	if org != s.org {
		return "", errors.New("no secret")
	}
	return secret, nil
}

// delivery is one request the receiver accepted.
type delivery struct {
	id      string
	typ     string
	status  string
	body    []byte
	message map[string]any
}

// receiver is a webhook endpoint that checks signatures; respond decides
// each answer (200 when nil).
type receiver struct {
	t       *testing.T
	srv     *httptest.Server
	clk     clock.Clock
	mu      sync.Mutex
	got     []delivery
	bad     int
	respond func(n int, d delivery, w http.ResponseWriter, r *http.Request)
	n       int
}

func newReceiver(t *testing.T, clk clock.Clock) *receiver {
	rc := &receiver{t: t, clk: clk}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := webhooks.Verify(r.Header.Get(webhooks.SignatureHeader), secret, body, rc.clk.Now(), 5*time.Minute); err != nil ||
		r.Header.Get("Content-Type") != "application/json" {
		rc.mu.Lock()
		rc.bad++
		rc.mu.Unlock()
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var env struct{ Message map[string]any }
	_ = json.Unmarshal(body, &env)
	d := delivery{id: r.Header.Get(webhooks.IDHeader), body: body, message: env.Message}
	d.typ, _ = env.Message["type"].(string)
	d.status, _ = env.Message["status"].(string)
	rc.mu.Lock()
	rc.n++
	n, respond := rc.n, rc.respond
	rc.mu.Unlock()
	if respond != nil {
		respond(n, d, w, r)
		return
	}
	rc.accept(d)
}

func (rc *receiver) accept(d delivery) {
	rc.mu.Lock()
	rc.got = append(rc.got, d)
	rc.mu.Unlock()
}

func (rc *receiver) requests() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.n
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

type fixture struct {
	t     *testing.T
	dsn   string
	store *persistence.Store
	org   int64
	asst  int64
}

func newFixture(t *testing.T) *fixture {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s := openStore(t, dsn)
	org, err := s.EnsureOrganization(ctx, "Org")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.NextAssistantID(ctx)
	if _, err := s.InsertAssistant(ctx, persistence.AssistantRow{ID: id, OrganizationID: org.ID, Name: "A", IsActive: true,
		Config: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, dsn: dsn, store: s, org: org.ID, asst: id}
}

func openStore(t *testing.T, dsn string) *persistence.Store {
	pool, err := persistence.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return persistence.NewStore(pool)
}

// call records a whole call: three webhooks (in progress, ended, report),
// plus live transcripts when live is set.
func (f *fixture) call(sid, url string, live bool) {
	f.t.Helper()
	rec := func(kind persistence.RecordKind, seq int32, at time.Duration) persistence.Record {
		return persistence.Record{Kind: kind, CallSID: sid, Seq: seq, At: t0.Add(at)}
	}
	started := rec(persistence.RecordStarted, 1, 0)
	started.Call = &persistence.CallInfo{OrganizationID: f.org, AssistantID: f.asst, From: "+15550001111", To: "+15550002222",
		Direction: "inbound", Carrier: "twilio", WebhookURL: url}
	recs := []persistence.Record{started}
	for i, t := range []persistence.TranscriptRecord{
		{Speaker: "user", Text: "hel", Live: live, Start: 1, End: 1.2},
		{Speaker: "user", Text: "hello", Final: true, Live: live, Confidence: 0.9, Start: 1, End: 1.5},
		{Speaker: "assistant", Text: "Hi, how can I help?", Final: true, Live: live, Start: 2, End: 3},
	} {
		r := rec(persistence.RecordTranscript, int32(i+2), time.Duration(i+1)*time.Second)
		r.Transcript = &t
		recs = append(recs, r)
	}
	end := rec(persistence.RecordEnded, 9, 4*time.Second)
	end.End = &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 4250}
	if err := f.store.WriteRecords(context.Background(), append(recs, end)); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) dispatcher(clk clock.Clock, o webhooks.Options) *webhooks.Dispatcher {
	o.Store, o.Secrets, o.Clock = f.store, secrets{f.org}, clk
	if o.Jitter == nil {
		o.Jitter = func() float64 { return 0.5 }
	}
	return webhooks.New(o)
}

// drain dispatches until nothing is due now.
func drain(t *testing.T, d *webhooks.Dispatcher) {
	t.Helper()
	for range 100 {
		n, err := d.DispatchDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("webhooks still due after 100 rounds")
}

type recordings struct{}

func (recordings) RecordingURL(_ context.Context, id int64) (string, error) {
	return fmt.Sprintf("https://rec.test/%d.mp3", id), nil
}

func TestDeliversSignedWebhooksInOrder(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(time.Minute))
	rc := newReceiver(t, clk)
	f.call("CA1", rc.srv.URL, false)
	d := f.dispatcher(clk, webhooks.Options{Recordings: recordings{}})
	drain(t, d)

	got := rc.deliveries()
	var kinds []string
	for _, x := range got {
		kinds = append(kinds, x.typ+":"+x.status)
	}
	if !slices.Equal(kinds, []string{"status-update:in-progress", "status-update:ended", "end-of-call-report:"}) || rc.bad != 0 {
		t.Fatalf("delivered %v (%d bad)", kinds, rc.bad)
	}
	var report struct {
		Message struct {
			EndedReason     string
			DurationSeconds float64
			RecordingURL    string
			PhoneNumber     struct{ Number string }
			Customer        struct{ Number string }
			Call            struct{ ID, PhoneCallProviderID string }
			Messages        []struct{ Role, Content string }
			Timestamp       int64
		}
	}
	if err := json.Unmarshal(got[2].body, &report); err != nil {
		t.Fatal(err)
	}
	m := report.Message
	if m.EndedReason != events.EndCallerHungUp || m.DurationSeconds != 4.25 || m.PhoneNumber.Number != "+15550002222" ||
		m.Customer.Number != "+15550001111" || m.Call.ID != "CA1" || m.Call.PhoneCallProviderID != "CA1" ||
		m.RecordingURL == "" || m.Timestamp != clk.Now().UnixMilli() || len(m.Messages) != 2 ||
		m.Messages[0].Role != "human" || m.Messages[0].Content != "hello" || m.Messages[1].Role != "bot" {
		t.Fatalf("report %s", got[2].body)
	}
	if got[1].message["endedReason"] != events.EndCallerHungUp {
		t.Fatalf("ended status %s", got[1].body)
	}

	c, _ := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	logs, err := f.store.ListWebhookLogs(context.Background(), f.org, c.ID, "")
	if err != nil || len(logs) != 3 {
		t.Fatalf("logs %+v %v", logs, err)
	}
	for i, l := range logs {
		var headers map[string]string
		_ = json.Unmarshal(l.RequestHeaders, &headers)
		if !l.Success || *l.ResponseStatusCode != 200 || l.Attempt != 1 || string(l.RequestPayload) == "" ||
			headers[webhooks.SignatureHeader] == "" || headers[webhooks.IDHeader] != got[i].id || l.WebhookURL != rc.srv.URL {
			t.Fatalf("log %d: %+v", i, l)
		}
	}
	if only, _ := f.store.ListWebhookLogs(context.Background(), f.org, c.ID, persistence.WebhookEndOfCall); len(only) != 1 {
		t.Fatalf("filtered logs %+v", only)
	}
	if other, _ := f.store.ListWebhookLogs(context.Background(), f.org+1, c.ID, ""); len(other) != 0 {
		t.Fatal("another organization sees the logs")
	}
}

func TestLiveTranscriptWebhooks(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(time.Minute))
	rc := newReceiver(t, clk)
	f.call("CA1", rc.srv.URL, true)
	drain(t, f.dispatcher(clk, webhooks.Options{}))
	var got []string
	for _, x := range rc.deliveries() {
		if x.typ == "transcript" {
			got = append(got, fmt.Sprint(x.message["role"], "/", x.message["transcriptType"], "/", x.message["transcript"]))
		}
	}
	if !slices.Equal(got, []string{"user/partial/hel", "user/final/hello", "assistant/final/Hi, how can I help?"}) {
		t.Fatalf("live transcripts %q", got)
	}
	if n := len(rc.deliveries()); n != 6 || rc.deliveries()[5].typ != "end-of-call-report" {
		t.Fatalf("%d deliveries", n)
	}
}

// Failures are retried with exponential backoff (on the dispatcher's
// clock); every attempt is logged; the last failure gives up.
func TestRetriesWithBackoffThenGivesUp(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(time.Minute))
	rc := newReceiver(t, clk)
	rc.respond = func(n int, d delivery, w http.ResponseWriter, r *http.Request) {
		switch {
		case d.status == "in-progress" && n <= 2:
			http.Error(w, "busy", http.StatusInternalServerError)
		case d.status == "ended":
			<-r.Context().Done() // never answers: the request times out
		default:
			rc.accept(d)
		}
	}
	f.call("CA1", rc.srv.URL, false)
	set := vm.NewSet()
	d := f.dispatcher(clk, webhooks.Options{BackoffBase: 10 * time.Second, MaxAttempts: 3, Timeout: 100 * time.Millisecond,
		Metrics: set})
	if d.Backoff(1) != 7500*time.Millisecond || d.Backoff(2) != 15*time.Second || d.Backoff(40) != 45*time.Minute {
		t.Fatalf("backoff %v %v %v", d.Backoff(1), d.Backoff(2), d.Backoff(40))
	}
	step := func(advance time.Duration, wantClaimed int) {
		t.Helper()
		clk.Advance(advance)
		n, err := d.DispatchDue(context.Background())
		if err != nil || n != wantClaimed {
			t.Fatalf("after %v: claimed %d (%v), want %d", advance, n, err, wantClaimed)
		}
	}
	step(0, 1) // in-progress: 500
	if got := metricsText(set); !strings.Contains(got, "switchboard_webhooks_pending 3\n") {
		t.Fatalf("metrics after the first attempt:\n%s", got)
	}
	step(7*time.Second, 0)         // not due yet: 7.5 s
	step(500*time.Millisecond, 1)  // 500 again
	step(15*time.Second, 1)        // delivered
	step(0, 1)                     // ended: times out
	step(7500*time.Millisecond, 1) // times out
	step(15*time.Second, 1)        // times out: third attempt, given up
	step(time.Hour, 1)             // the report, no longer held up
	step(time.Hour, 0)
	if got := rc.deliveries(); len(got) != 2 || got[0].status != "in-progress" || got[1].typ != "end-of-call-report" {
		t.Fatalf("delivered %v", got)
	}
	c, _ := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	logs, _ := f.store.ListWebhookLogs(context.Background(), f.org, c.ID, "")
	var summary []string
	for _, l := range logs {
		s := fmt.Sprint(l.WebhookType, "#", l.Attempt, " ")
		if l.ResponseStatusCode != nil {
			s += strconv.Itoa(*l.ResponseStatusCode)
		} else if l.ErrorMessage != nil {
			s += "error"
		}
		summary = append(summary, s)
	}
	want := []string{"status-update#1 500", "status-update#2 500", "status-update#3 200",
		"status-update#1 error", "status-update#2 error", "status-update#3 error", "end-of-call-report#1 200"}
	if !slices.Equal(summary, want) {
		t.Fatalf("logs %q", summary)
	}
	if *logs[0].ResponseBody != "busy\n" || *logs[0].ErrorMessage != "status 500" {
		t.Fatalf("first log %+v", logs[0])
	}
	got := metricsText(set)
	for _, want := range []string{`switchboard_webhook_attempts_total{outcome="delivered"} 2`,
		`switchboard_webhook_attempts_total{outcome="retrying"} 4`, `switchboard_webhook_attempts_total{outcome="given_up"} 1`,
		"switchboard_webhooks_pending 0"} {
		if !strings.Contains(got, want+"\n") {
			t.Fatalf("no %s in the metrics:\n%s", want, got)
		}
	}
}

func metricsText(set *vm.Set) string {
	var b strings.Builder
	set.WritePrometheus(&b)
	return b.String()
}

// Without a secret nothing is sent unsigned: the attempt fails and waits.
func TestNoSecretNothingSent(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(time.Minute))
	rc := newReceiver(t, clk)
	f.call("CA1", rc.srv.URL, false)
	d := webhooks.New(webhooks.Options{Store: f.store, Secrets: secrets{-1}, Clock: clk})
	if n, err := d.DispatchDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("claimed %d, %v", n, err)
	}
	c, _ := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	logs, _ := f.store.ListWebhookLogs(context.Background(), f.org, c.ID, "")
	if rc.requests() != 0 || len(logs) != 1 || logs[0].Success || logs[0].ErrorMessage == nil {
		t.Fatalf("requests %d, logs %+v", rc.requests(), logs)
	}
}

// Two dispatchers on one outbox never deliver the same webhook twice, and
// each call's webhooks still arrive in order.
func TestTwoDispatchersNeverDeliverTwice(t *testing.T) {
	f := newFixture(t)
	rc := newReceiver(t, clock.Real{})
	const calls = 40
	for i := range calls {
		f.call(fmt.Sprint("CA", i), rc.srv.URL, false)
	}
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Minute)
	for _, store := range []*persistence.Store{f.store, openStore(t, f.dsn)} { // two nodes, two pools
		d := webhooks.New(webhooks.Options{Store: store, Secrets: secrets{f.org}, Batch: 5, Concurrency: 4})
		wg.Go(func() {
			for len(rc.deliveries()) < 3*calls && time.Now().Before(deadline) {
				if _, err := d.DispatchDue(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	order := map[string][]string{}
	for _, x := range rc.deliveries() {
		seen[x.id]++
		call := x.message["call"].(map[string]any)["id"].(string)
		order[call] = append(order[call], x.typ+":"+x.status)
	}
	if len(seen) != 3*calls {
		t.Fatalf("%d webhooks delivered", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("webhook %s delivered %d times", id, n)
		}
	}
	for call, kinds := range order {
		if !slices.Equal(kinds, []string{"status-update:in-progress", "status-update:ended", "end-of-call-report:"}) {
			t.Fatalf("%s: %v", call, kinds)
		}
	}
}

// Run delivers what is enqueued when kicked, and stops with its context.
func TestRunDeliversOnKick(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(time.Minute))
	rc := newReceiver(t, clk)
	d := f.dispatcher(clk, webhooks.Options{Poll: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	f.call("CA1", rc.srv.URL, false)
	for want := 1; want <= 3; want++ {
		d.Kick()
		testkit.Eventually(t, 10*time.Second, func() error {
			if n := len(rc.deliveries()); n < want {
				return fmt.Errorf("%d delivered", n)
			}
			return nil
		})
	}
	cancel()
	<-done
}
