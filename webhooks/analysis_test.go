package webhooks_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// analysedCall records a call of an assistant that analyses its calls
// (the default settings), with a conversation.
func (f *fixture) analysedCall(sid, url string) {
	f.t.Helper()
	ctx := context.Background()
	cfg := assistant.Defaults()
	cfg.Name = "Analysed"
	doc, _ := json.Marshal(cfg)
	id, _ := f.store.NextAssistantID(ctx)
	if _, err := f.store.InsertAssistant(ctx, persistence.AssistantRow{ID: id, OrganizationID: f.org, Name: cfg.Name, IsActive: true, Config: doc}); err != nil {
		f.t.Fatal(err)
	}
	started := persistence.Record{Kind: persistence.RecordStarted, CallSID: sid, Seq: 1, At: t0,
		Call: &persistence.CallInfo{OrganizationID: f.org, AssistantID: id, From: "+15550001111", To: "+15550002222",
			Direction: "inbound", Carrier: "twilio", WebhookURL: url}}
	history := persistence.Record{Kind: persistence.RecordHistory, CallSID: sid, Seq: 2, At: t0}
	for _, m := range []voice.Message{{Role: voice.RoleAssistant, Content: "Hello."}, {Role: voice.RoleUser, Content: "Book me in."}} {
		history.Messages = append(history.Messages, persistence.NewChatMessage(m))
	}
	end := persistence.Record{Kind: persistence.RecordEnded, CallSID: sid, Seq: 3, At: t0.Add(4 * time.Second),
		End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 4000}}
	if err := f.store.WriteRecords(ctx, []persistence.Record{started, history, end}); err != nil {
		f.t.Fatal(err)
	}
}

type reportBody struct {
	Message struct {
		Type     string
		Summary  *string
		Analysis *struct {
			Status          string
			Summary         string
			DurationSeconds float64
			StructuredData  json.RawMessage
			Evaluation      *struct{ Successful bool }
			Errors          map[string]string
		}
	}
}

// analysedCallDispatched records an analysed call and delivers what is
// due a second after its end.
func analysedCallDispatched(t *testing.T) (*fixture, *clock.Virtual, *receiver, *webhooks.Dispatcher) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0.Add(5 * time.Second))
	rc := newReceiver(t, clk)
	f.analysedCall("CA1", rc.srv.URL)
	d := f.dispatcher(clk, webhooks.Options{})
	drain(t, d)
	return f, clk, rc, d
}

// The report waits for the analysis and carries it as Burki's does.
func TestReportCarriesTheAnalysis(t *testing.T) {
	f, clk, rc, d := analysedCallDispatched(t)
	if got := rc.deliveries(); len(got) != 2 {
		t.Fatalf("%d delivered before the analysis: the report did not wait", len(got))
	}
	ctx := context.Background()
	jobs, err := f.store.ClaimAnalyses(ctx, clk.Now(), time.Minute, 1)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("%+v %v", jobs, err)
	}
	summary := "The caller booked."
	if err := f.store.FinishAnalysis(ctx, persistence.AnalysisOutcome{CallID: jobs[0].CallID, Attempt: 1, Status: persistence.AnalysisCompleted,
		Result: persistence.AnalysisResult{Summary: &summary, StructuredData: json.RawMessage(`{"booked":true}`),
			Evaluation: &persistence.AnalysisEvaluation{Successful: true, Reason: "booked"}}, At: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	drain(t, d)
	got := rc.deliveries()
	if len(got) != 3 {
		t.Fatalf("%d delivered", len(got))
	}
	var r reportBody
	if err := json.Unmarshal(got[2].body, &r); err != nil {
		t.Fatal(err)
	}
	a := r.Message.Analysis
	if r.Message.Type != "end-of-call-report" || r.Message.Summary == nil || *r.Message.Summary != summary || a == nil ||
		a.Status != "completed" || a.Summary != summary || a.DurationSeconds != 4 || string(a.StructuredData) != `{"booked":true}` ||
		a.Evaluation == nil || !a.Evaluation.Successful || len(a.Errors) != 0 {
		t.Fatalf("report %s", got[2].body)
	}
}

// When the wait runs out first, the report goes without the analysis's
// results, saying it is still pending.
func TestReportStopsWaiting(t *testing.T) {
	_, clk, rc, d := analysedCallDispatched(t)
	clk.Advance(59 * time.Second) // the default wait: 60 s after the end, at t0+4s
	drain(t, d)
	if got := rc.deliveries(); len(got) != 3 {
		t.Fatalf("%d delivered once the wait ran out", len(got))
	}
	var r reportBody
	if err := json.Unmarshal(rc.deliveries()[2].body, &r); err != nil {
		t.Fatal(err)
	}
	if r.Message.Summary != nil || r.Message.Analysis == nil || r.Message.Analysis.Status != "pending" || r.Message.Analysis.StructuredData != nil {
		t.Fatalf("report %s", rc.deliveries()[2].body)
	}
}
