package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// request is one webhook as a vendor's receiver sees it.
type request struct {
	header http.Header
	body   []byte
}

// rawReceiver keeps every request and answers 200.
type rawReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []request
}

func newRawReceiver(t *testing.T) *rawReceiver {
	rc := &rawReceiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, request{header: r.Header.Clone(), body: body})
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *rawReceiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// assistantSecrets gives every assistant the same own secret.
type assistantSecrets string

func (s assistantSecrets) AssistantWebhookSecret(context.Context, int64, int64) (string, error) {
	return string(s), nil
}

// voiceDockVerify is the VoiceDock SDK's Webhooks.verify, written from its
// description: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body)),
// the timestamp in Unix seconds and at most maxAge old.
func voiceDockVerify(body []byte, signature, timestamp, secret string, now time.Time, maxAge int64) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || now.Unix()-ts > maxAge || ts-now.Unix() > maxAge {
		return false
	}
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(timestamp + "." + string(body)))
	return hmac.Equal([]byte(signature), []byte("sha256="+hex.EncodeToString(h.Sum(nil))))
}

// vendorCall records an answered call of an analysed assistant whose
// webhooks go out in the given way, and completes its analysis.
func (f *fixture) vendorCall(sid string, w assistant.CallWebhook, clk clock.Clock) {
	f.t.Helper()
	ctx := context.Background()
	cfg := assistant.Defaults()
	cfg.Name = "Vendor"
	doc, _ := json.Marshal(cfg)
	id, _ := f.store.NextAssistantID(ctx)
	if _, err := f.store.InsertAssistant(ctx, persistence.AssistantRow{ID: id, OrganizationID: f.org, Name: cfg.Name, IsActive: true, Config: doc}); err != nil {
		f.t.Fatal(err)
	}
	f.asst = id
	info := &persistence.CallInfo{OrganizationID: f.org, AssistantID: id, From: "+15550001111", To: "+15550002222",
		Direction: "inbound", Carrier: "twilio"}
	info.SetWebhook(w)
	recs := []persistence.Record{{Kind: persistence.RecordStarted, CallSID: sid, Seq: 1, At: t0, Call: info}}
	for i, t := range []persistence.TranscriptRecord{
		{Speaker: "assistant", Text: "Hello, Acme here.", Final: true, Live: true, Start: 0.5, End: 1.5},
		{Speaker: "user", Text: "Book me in for Friday.", Final: true, Live: true, Start: 2, End: 3},
	} {
		recs = append(recs, persistence.Record{Kind: persistence.RecordTranscript, CallSID: sid, Seq: int32(i + 2), At: t0.Add(time.Duration(i+1) * time.Second), Transcript: &t})
	}
	history := persistence.Record{Kind: persistence.RecordHistory, CallSID: sid, Seq: 4, At: t0}
	for _, m := range []voice.Message{{Role: voice.RoleAssistant, Content: "Hello, Acme here."}, {Role: voice.RoleUser, Content: "Book me in for Friday."}} {
		history.Messages = append(history.Messages, persistence.NewChatMessage(m))
	}
	end := persistence.Record{Kind: persistence.RecordEnded, CallSID: sid, Seq: 5, At: t0.Add(4 * time.Second),
		End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 4400}}
	if err := f.store.WriteRecords(ctx, append(recs, history, end)); err != nil {
		f.t.Fatal(err)
	}
	jobs, err := f.store.ClaimAnalyses(ctx, clk.Now(), time.Minute, 1)
	if err != nil || len(jobs) != 1 {
		f.t.Fatalf("%+v %v", jobs, err)
	}
	summary := "Booked for Friday."
	if err := f.store.FinishAnalysis(ctx, persistence.AnalysisOutcome{CallID: jobs[0].CallID, Attempt: 1, Status: persistence.AnalysisCompleted,
		Result: persistence.AnalysisResult{Summary: &summary, StructuredData: json.RawMessage(`{"day":"friday","booked":true}`),
			Evaluation: &persistence.AnalysisEvaluation{Successful: true, Reason: "booked"}}, At: clk.Now()}); err != nil {
		f.t.Fatal(err)
	}
}

func hookOf(url, format string, events *[]string, reports string, recording bool) assistant.CallWebhook {
	return assistant.CallWebhook{URL: url, Format: format, Events: events, Reports: reports, Recording: recording}
}

// A VoiceDock-configured assistant's webhooks come in VoiceDock's
// envelope, signed with its own secret as VoiceDock's SDK verifies.
func TestVoiceDockWebhooks(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(5 * time.Second))
	rc := newRawReceiver(t)
	f.vendorCall("CA1", hookOf(rc.srv.URL, webhooks.FormatVoiceDock, &[]string{"status-update", "end-of-call-report"}, "answered", true), clk)
	d := f.dispatcher(clk, webhooks.Options{Assistants: assistantSecrets("vd_secret"), Recordings: recordings{}})
	drain(t, d)
	got := rc.requests()
	if len(got) != 3 { // in progress, ended, the report; no live transcripts
		t.Fatalf("%d requests", len(got))
	}
	uuid := ""
	for i, r := range got {
		h := r.header
		if !voiceDockVerify(r.body, h.Get("X-Webhook-Signature"), h.Get("X-Webhook-Timestamp"), "vd_secret", clk.Now(), 300) {
			t.Fatalf("request %d: signature %q at %q does not verify", i, h.Get("X-Webhook-Signature"), h.Get("X-Webhook-Timestamp"))
		}
		if voiceDockVerify(r.body, h.Get("X-Webhook-Signature"), h.Get("X-Webhook-Timestamp"), secret, clk.Now(), 300) {
			t.Fatal("signed with the organization's secret, not the assistant's")
		}
		var env struct {
			Message struct {
				Type        string
				Timestamp   string
				Status      string
				Call        struct{ ID, Type, Status string }
				PhoneNumber struct{ Number string } `json:"phone_number"`
				Customer    struct{ Number string }
				Assistant   struct{ ID, Name string }
			}
		}
		if err := json.Unmarshal(r.body, &env); err != nil {
			t.Fatal(err)
		}
		m := env.Message
		if _, err := time.Parse(time.RFC3339, m.Timestamp); err != nil || h.Get("X-Webhook-Event") != m.Type ||
			h.Get("User-Agent") != "HMS-Sovereign/1.0" || m.Call.ID != "CA1" || m.Call.Type != "inbound_phone_call" ||
			m.PhoneNumber.Number != "+15550002222" || m.Customer.Number != "+15550001111" || m.Assistant.Name != "Vendor" {
			t.Fatalf("request %d: %s %v", i, r.body, h)
		}
		uuid = m.Assistant.ID
	}
	if id, err := f.store.AssistantIDByUUID(context.Background(), f.org, uuid); err != nil || id != f.asst {
		t.Fatalf("assistant id %q: %d %v", uuid, id, err)
	}
	var status [2]struct{ Message struct{ Type, Status string } }
	for i := range status {
		_ = json.Unmarshal(got[i].body, &status[i])
	}
	if status[0].Message.Status != "in-progress" || status[1].Message.Status != "ended" {
		t.Fatalf("statuses %+v", status)
	}
	var report struct {
		Message struct {
			Type            string
			EndedReason     string  `json:"ended_reason"`
			DurationSeconds float64 `json:"duration_seconds"`
			Summary         string
			RecordingURL    string `json:"recording_url"`
			Messages        []struct{ Role, Content string }
			Analysis        struct {
				Summary           string
				StructuredData    map[string]any `json:"structured_data"`
				SuccessEvaluation *bool          `json:"success_evaluation"`
			}
		}
	}
	if err := json.Unmarshal(got[2].body, &report); err != nil {
		t.Fatal(err)
	}
	m := report.Message
	if m.Type != "end-of-call-report" || m.EndedReason != events.EndCallerHungUp || m.DurationSeconds != 4.4 ||
		m.Summary != "Booked for Friday." || m.Analysis.Summary != m.Summary || m.Analysis.StructuredData["day"] != "friday" ||
		m.Analysis.SuccessEvaluation == nil || !*m.Analysis.SuccessEvaluation || m.RecordingURL == "" ||
		len(m.Messages) != 2 || m.Messages[0].Role != "assistant" || m.Messages[1].Role != "user" {
		t.Fatalf("report %s", got[2].body)
	}
}

// webhook_events filters: only the report is sent.
func TestVoiceDockEventFilter(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(5 * time.Second))
	rc := newRawReceiver(t)
	f.vendorCall("CA1", hookOf(rc.srv.URL, webhooks.FormatVoiceDock, &[]string{"end-of-call-report"}, "answered", false), clk)
	drain(t, f.dispatcher(clk, webhooks.Options{Recordings: recordings{}}))
	got := rc.requests()
	if len(got) != 1 || got[0].header.Get("X-Webhook-Event") != "end-of-call-report" {
		t.Fatalf("%d requests", len(got))
	}
	var report struct{ Message map[string]any }
	_ = json.Unmarshal(got[0].body, &report)
	if _, has := report.Message["recording_url"]; has {
		t.Fatalf("recording linked although left out: %s", got[0].body)
	}
	// without an assistant secret, the organization's signs
	h := got[0].header
	if !voiceDockVerify(got[0].body, h.Get("X-Webhook-Signature"), h.Get("X-Webhook-Timestamp"), secret, clk.Now(), 300) {
		t.Fatal("not signed with the organization's secret")
	}
}

type famulorBody struct {
	ID                 int64
	CustomerPhone      *string           `json:"customer_phone"`
	AssistantPhone     *string           `json:"assistant_phone"`
	Duration           int64             `json:"duration"`
	Status             string            `json:"status"`
	ExtractedVariables map[string]any    `json:"extracted_variables"`
	InputVariables     map[string]string `json:"input_variables"`
	Transcript         []struct {
		Text, Type, Sender string
		Timestamp          float64
	}
	RecordingURL *string   `json:"recording_url"`
	CreatedAt    time.Time `json:"created_at"`
	FinishedAt   time.Time `json:"finished_at"`
}

// A Famulor-configured assistant sends one post-call payload, its
// extracted_variables the analysis's data with Famulor's status and
// summary.
func TestFamulorPostCallWebhook(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(5 * time.Second))
	rc := newRawReceiver(t)
	f.vendorCall("CA1", hookOf(rc.srv.URL, webhooks.FormatFamulor, &[]string{"end-of-call-report"}, "completed", true), clk)
	drain(t, f.dispatcher(clk, webhooks.Options{Recordings: recordings{}}))
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	if err := webhooks.Verify(got[0].header.Get(webhooks.SignatureHeader), secret, got[0].body, clk.Now(), time.Minute); err != nil {
		t.Fatalf("signature: %v", err)
	}
	var b famulorBody
	if err := json.Unmarshal(got[0].body, &b); err != nil {
		t.Fatal(err)
	}
	c, _ := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	ev := b.ExtractedVariables
	if b.ID != c.ID || *b.CustomerPhone != "+15550001111" || *b.AssistantPhone != "+15550002222" || b.Duration != 4 ||
		b.Status != "completed" || ev["day"] != "friday" || ev["booked"] != true || ev["status"] != true ||
		ev["summary"] != "Booked for Friday." || b.InputVariables == nil || b.RecordingURL == nil || !b.CreatedAt.Equal(t0) ||
		len(b.Transcript) != 2 || b.Transcript[0].Sender != "bot" || b.Transcript[1].Sender != "human" ||
		b.Transcript[1].Type != "transcript" || b.Transcript[1].Timestamp != float64(t0.Unix())+2 {
		t.Fatalf("payload %s", got[0].body)
	}
}

// Famulor's send_webhook_only_on_completed: a call that did not end
// completed gets no report; off, an unanswered call gets one.
func TestFamulorReportsByOutcome(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(5 * time.Second))
	rc := newRawReceiver(t)
	ctx := context.Background()
	only := &[]string{"end-of-call-report"}
	for sid, reports := range map[string]string{"CA1": "completed", "CA2": "all"} {
		info := persistence.CallInfo{OrganizationID: f.org, AssistantID: f.asst, From: "+15550002222", To: "+15550003333",
			Direction: "outbound", Carrier: "telnyx"}
		info.SetWebhook(hookOf(rc.srv.URL, webhooks.FormatFamulor, only, reports, false))
		if err := f.store.WriteRecords(ctx, []persistence.Record{
			{Kind: persistence.RecordPlaced, CallSID: sid, At: t0, Call: &info},
			{Kind: persistence.RecordStatus, CallSID: sid, At: t0.Add(time.Second), Status: &persistence.StatusUpdate{Carrier: "telnyx", Status: persistence.StatusBusy}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	// answered, but failed before it ended: not completed
	info := persistence.CallInfo{OrganizationID: f.org, AssistantID: f.asst, From: "+15550002222", To: "+15550003333",
		Direction: "outbound", Carrier: "telnyx"}
	info.SetWebhook(hookOf(rc.srv.URL, webhooks.FormatFamulor, only, "completed", false))
	if err := f.store.WriteRecords(ctx, []persistence.Record{
		{Kind: persistence.RecordStarted, CallSID: "CA3", Seq: 1, At: t0, Call: &info},
		{Kind: persistence.RecordStatus, CallSID: "CA3", At: t0.Add(time.Second), Status: &persistence.StatusUpdate{Carrier: "telnyx", Status: persistence.StatusFailed}},
		{Kind: persistence.RecordEnded, CallSID: "CA3", Seq: 2, At: t0.Add(2 * time.Second), End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 2000}},
	}); err != nil {
		t.Fatal(err)
	}
	drain(t, f.dispatcher(clk, webhooks.Options{}))
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests: want the report of the call that reports all", len(got))
	}
	var b famulorBody
	_ = json.Unmarshal(got[0].body, &b)
	c, _ := f.store.GetCallBySID(ctx, f.org, "CA2")
	if b.ID != c.ID || b.Status != "busy" || b.Duration != 0 || len(b.Transcript) != 0 || b.RecordingURL != nil ||
		*b.CustomerPhone != "+15550003333" {
		t.Fatalf("payload %s", got[0].body)
	}
}
