package records_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/records"
	"github.com/switchboard-voice/switchboard/voice"
)

// script is a call's events as a call actor publishes them.
func (f *fixture) script(webhook string, turns int) []events.Event {
	evs := []events.Event{events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, ConfigVersion: 3,
		From: "+15550001111", To: "+15550002222", Direction: "inbound", Carrier: "twilio", Webhook: hook(webhook)}}
	history := []voice.Message{{Role: voice.RoleSystem, Content: "You are a test."}}
	for i := 1; i <= turns; i++ {
		said, reply := fmt.Sprintf("question %d", i), fmt.Sprintf("answer %d", i)
		at := time.Duration(i) * time.Second
		history = append(history, voice.Message{Role: voice.RoleUser, Content: said},
			voice.Message{Role: voice.RoleAssistant, Content: reply})
		evs = append(evs,
			events.CallerSpeechStarted{},
			events.Transcript{Speaker: events.Caller, Text: "question", Confidence: 0.5, Start: at, End: at + 300*time.Millisecond},
			events.Transcript{Speaker: events.Caller, Text: said, Final: true, Confidence: 0.9, Start: at, End: at + 500*time.Millisecond},
			events.TurnCommitted{Turn: i, Text: said, ConfigVersion: 3},
			events.ReplyStarted{Turn: i, Source: "llm"},
			events.StageTimings{Turn: i, LLMFirstToken: 200 * time.Millisecond, FirstFrameOut: 450 * time.Millisecond, LLMProvider: "openai"},
			events.Transcript{Speaker: events.Assistant, Text: reply, Final: true, Start: at + time.Second, End: at + 2*time.Second},
			events.ReplyFinished{Turn: i, Heard: reply},
			events.History{Messages: slices.Clone(history)},
		)
	}
	return append(evs, events.CallEnded{Reason: events.EndCallerHungUp, Duration: time.Duration(turns+2) * time.Second})
}

func publish(w *records.Writer, sid string, evs []events.Event) {
	for i, e := range evs {
		w.Publish(sid, t0.Add(time.Duration(i)*time.Millisecond), e)
	}
}

func TestWriterRecordsACall(t *testing.T) {
	f := newFixture(t)
	w := f.writer(f.store, records.Options{})
	publish(w, "CA1", f.script("https://hooks.test/a", 3))
	f.flush(w)

	c, err := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != persistence.StatusCompleted || *c.EndedReason != events.EndCallerHungUp || *c.DurationMS != 5000 ||
		*c.ConfigVersion != 3 || c.CustomerNumber != "+15550001111" || c.AssistantNumber != "+15550002222" ||
		*c.AssistantID != f.asst || c.Carrier != "twilio" || !c.CreatedAt.Equal(t0) || c.StartedAt == nil || c.EndedAt == nil {
		t.Fatalf("call row %+v", c)
	}
	ts, err := f.store.ListTranscripts(context.Background(), f.org, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range ts {
		got = append(got, tr.Speaker+": "+tr.Content)
	}
	want := []string{"user: question 1", "assistant: answer 1", "user: question 2", "assistant: answer 2", "user: question 3", "assistant: answer 3"}
	if !slices.Equal(got, want) {
		t.Fatalf("transcripts %q", got)
	}
	if ts[0].Confidence == nil || *ts[0].Confidence != 0.9 || ts[1].Confidence != nil || ts[0].SegmentStart != 1 || ts[0].SegmentEnd != 1.5 {
		t.Fatalf("first transcripts %+v %+v", ts[0], ts[1])
	}
	msgs, err := f.store.ListChatMessages(context.Background(), f.org, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 7 || msgs[0].Role != "system" || msgs[6].Content != "answer 3" {
		t.Fatalf("chat messages %+v", msgs)
	}
	evs, err := f.store.ListCallEvents(context.Background(), f.org, c.ID, "stage-timings")
	if err != nil {
		t.Fatal(err)
	}
	var timing map[string]any
	if len(evs) != 3 || json.Unmarshal(evs[0].Data, &timing) != nil || timing["first_frame_out_ms"] != 450.0 || timing["llm_provider"] != "openai" {
		t.Fatalf("stage timings %+v", evs)
	}
	if n := f.count(`SELECT count(*) FROM call_events WHERE call_id = $1`, c.ID); n != 15 {
		t.Fatalf("%d call events, want 5 per turn", n)
	}
	// Every row is numbered in the order the call published it.
	if n := f.count(`SELECT count(DISTINCT seq) FROM (SELECT seq FROM transcripts WHERE call_id = $1
		UNION ALL SELECT seq FROM call_events WHERE call_id = $1) s`, c.ID); n != 21 {
		t.Fatalf("%d distinct sequence numbers", n)
	}
	var kinds []string
	rows, _ := f.pool.Query(context.Background(), `SELECT webhook_type || ':' || dedup_key FROM webhook_outbox WHERE call_id = $1 ORDER BY id`, c.ID)
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		kinds = append(kinds, k)
	}
	if !slices.Equal(kinds, []string{"status-update:in-progress", "status-update:ended", "end-of-call-report:"}) {
		t.Fatalf("outbox %v", kinds)
	}
}

// Batches are cut at BatchSize; what is left waits for the interval.
func TestWriterBatchesBySizeThenInterval(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0)
	cs := &countingStore{Store: f.store}
	var written atomic.Int32
	w := f.writer(cs, records.Options{BatchSize: 10, Interval: time.Second, Clock: clk, Written: func() { written.Add(1) }})
	w.Publish("CA1", t0, events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, Carrier: "web"})
	for range 24 {
		w.Publish("CA1", t0, events.DTMF{Digits: "5"})
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		// The depth drops once the batch's write returns, after the store counted it.
		if _, n := cs.written(); n != 20 || w.QueueDepth() != 5 {
			return fmt.Errorf("%d records written, queue depth %d", n, w.QueueDepth())
		}
		return nil
	})
	clk.Advance(time.Second)
	testkit.Eventually(t, 10*time.Second, func() error {
		// Written is called once the batch's write returns, after the store counted it.
		if _, n := cs.written(); n != 25 || written.Load() != 3 {
			return fmt.Errorf("%d records written, Written called %d times", n, written.Load())
		}
		return nil
	})
	if batches, _ := cs.written(); batches != 3 {
		t.Fatalf("%d batches", batches)
	}
}

// A call's histories coalesce: only the last is written, and an older
// one never overwrites a newer one.
func TestHistoryCoalescesAndNeverGoesBack(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0)
	cs := &captureStore{Store: f.store}
	w := f.writer(cs, records.Options{Clock: clk})
	started := events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, Carrier: "web"}
	w.Publish("CA1", t0, started)
	msgs := []voice.Message{{Role: voice.RoleSystem, Content: "sys"}}
	for i := range 5 {
		msgs = append(msgs, voice.Message{Role: voice.RoleUser, Content: fmt.Sprint("u", i)})
		w.Publish("CA1", t0, events.History{Messages: slices.Clone(msgs)})
	}
	f.flush(w)
	histories := 0
	for _, r := range cs.all() {
		if r.Kind == persistence.RecordHistory {
			histories++
		}
	}
	if histories != 1 {
		t.Fatalf("%d histories written, want the last only", histories)
	}
	// A shorter conversation (the last reply cut by a barge-in) replaces it.
	w.Publish("CA1", t0, events.History{Messages: []voice.Message{msgs[0], {Role: voice.RoleUser, Content: "edited"},
		{Role: voice.RoleAssistant, Content: "reply", ToolCalls: []voice.ToolCall{{ID: "t1", Name: "lookup", Arguments: `{"q":1}`}}},
		{Role: voice.RoleTool, Content: "42", ToolCallID: "t1"}}})
	f.flush(w)
	c, _ := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	rows, err := f.store.ListChatMessages(context.Background(), f.org, c.ID)
	if err != nil || len(rows) != 4 || rows[1].Content != "edited" || rows[3].ToolCallID == nil || *rows[3].ToolCallID != "t1" {
		t.Fatalf("chat messages %+v, %v", rows, err)
	}
	// Replaying an older history changes nothing.
	var old persistence.Record
	for _, r := range cs.all() {
		if r.Kind == persistence.RecordHistory {
			old = r
			break
		}
	}
	if err := f.store.WriteRecords(context.Background(), []persistence.Record{old}); err != nil {
		t.Fatal(err)
	}
	again, _ := f.store.ListChatMessages(context.Background(), f.org, c.ID)
	if len(again) != 4 || again[1].Content != "edited" {
		t.Fatalf("an older history overwrote the newer one: %+v", again)
	}
	conv, err := f.store.RecentConversation(context.Background(), f.asst, "", time.Hour)
	if err != nil || len(conv) != 0 {
		t.Fatalf("a live call is not a conversation to continue: %v %v", conv, err)
	}
}

// captureStore keeps every record it wrote.
type captureStore struct {
	records.Store
	got []persistence.Record
}

func (c *captureStore) WriteRecords(ctx context.Context, recs []persistence.Record) error {
	err := c.Store.WriteRecords(ctx, recs)
	if err == nil {
		c.got = append(c.got, recs...) // the writer's goroutine only
	}
	return err
}

// all is safe once the writer has flushed.
func (c *captureStore) all() []persistence.Record { return slices.Clone(c.got) }

// Writing the same records again, or publishing the same calls to a new
// writer, stores nothing twice.
func TestReplayStoresNothingTwice(t *testing.T) {
	f := newFixture(t)
	cs := &captureStore{Store: f.store}
	w := f.writer(cs, records.Options{LiveTranscripts: true})
	for i := range 3 {
		publish(w, fmt.Sprint("CA", i), f.script("https://hooks.test/a", 4))
	}
	w.RecordStatus(context.Background(), "twilio", "CA0", persistence.StatusCompleted, t0.Add(time.Minute))
	f.flush(w)
	snapshot := func() map[string]int {
		out := map[string]int{}
		for _, tbl := range []string{"calls", "transcripts", "chat_messages", "call_events", "webhook_outbox"} {
			out[tbl] = f.count(`SELECT count(*) FROM ` + tbl)
		}
		return out
	}
	before := snapshot()
	if before["transcripts"] != 24 || before["webhook_outbox"] != 3*(3+12) {
		t.Fatalf("first write: %v", before)
	}
	// the same records again, in one batch and in several
	all := cs.all()
	if err := f.store.WriteRecords(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	for chunk := range slices.Chunk(all, 7) {
		if err := f.store.WriteRecords(context.Background(), chunk); err != nil {
			t.Fatal(err)
		}
	}
	// the same events through a writer that has never seen these calls
	w2 := f.writer(f.store, records.Options{LiveTranscripts: true})
	for i := range 3 {
		publish(w2, fmt.Sprint("CA", i), f.script("https://hooks.test/a", 4))
	}
	f.flush(w2)
	if after := snapshot(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("replay changed the record: %v, was %v", after, before)
	}
}

// Carrier statuses move a call forward only, and each status update is
// enqueued once.
func TestStatusesMoveForwardOnly(t *testing.T) {
	f := newFixture(t)
	w := f.writer(f.store, records.Options{})
	ctx := context.Background()
	w.CallPlaced("CA9", t0, persistence.CallInfo{OrganizationID: f.org, AssistantID: f.asst, From: "+15550002222",
		To: "+15550003333", Direction: "outbound", Carrier: "telnyx", WebhookURL: "https://hooks.test/a"})
	for _, s := range []string{persistence.StatusRinging, persistence.StatusQueued, persistence.StatusInProgress, persistence.StatusRinging} {
		if err := w.RecordStatus(ctx, "telnyx", "CA9", s, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.RecordStatus(ctx, "telnyx", "CA9", "answered", t0); !errors.Is(err, records.ErrUnknownStatus) {
		t.Fatalf("unknown status: %v", err)
	}
	w.RecordStatus(ctx, "twilio", "CA9", persistence.StatusBusy, t0) // another carrier's SID: not this call
	f.flush(w)
	c, _ := f.store.GetCallBySID(ctx, f.org, "CA9")
	if c.Status != persistence.StatusInProgress || c.StartedAt != nil || c.CustomerNumber != "+15550003333" {
		t.Fatalf("after callbacks: %+v", c)
	}
	w.Publish("CA9", t0.Add(2*time.Second), events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, ConfigVersion: 2,
		From: "+15550002222", To: "+15550003333", Direction: "outbound", Carrier: "telnyx", Webhook: hook("https://hooks.test/a")})
	w.RecordStatus(ctx, "telnyx", "CA9", persistence.StatusCompleted, t0.Add(9*time.Second))
	w.Publish("CA9", t0.Add(10*time.Second), events.CallEnded{Reason: events.EndAssistantTool, Duration: 8 * time.Second})
	w.RecordStatus(ctx, "telnyx", "CA9", persistence.StatusFailed, t0.Add(11*time.Second))
	f.flush(w)
	c, _ = f.store.GetCallBySID(ctx, f.org, "CA9")
	if c.Status != persistence.StatusCompleted || c.StartedAt == nil || *c.ConfigVersion != 2 || *c.EndedReason != events.EndAssistantTool ||
		!c.EndedAt.Equal(t0.Add(10*time.Second)) || !c.CreatedAt.Equal(t0) {
		t.Fatalf("after the call: %+v", c)
	}
	var kinds []string
	rows, _ := f.pool.Query(ctx, `SELECT webhook_type || ':' || dedup_key FROM webhook_outbox ORDER BY id`)
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		kinds = append(kinds, k)
	}
	if !slices.Equal(kinds, []string{"status-update:ringing", "status-update:in-progress", "status-update:ended", "end-of-call-report:"}) {
		t.Fatalf("outbox %v", kinds)
	}
}

// Events a call publishes before CallStarted are recorded after it, in
// their own order.
func TestEventsBeforeTheStartAreKept(t *testing.T) {
	f := newFixture(t)
	w := f.writer(f.store, records.Options{})
	w.Publish("CA1", t0, events.ProviderError{Service: "llm", Error: "no key"})
	w.Publish("CA1", t0, events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, Carrier: "web"})
	w.Publish("CA1", t0, events.DTMF{Digits: "1"})
	w.Publish("CA2", t0, events.ProviderError{Service: "stt"})
	w.Publish("CA2", t0, events.CallEnded{Reason: events.EndError}) // never started: nothing to record
	f.flush(w)
	var got []string
	rows, _ := f.pool.Query(context.Background(), `SELECT seq || e.kind FROM call_events e ORDER BY seq`)
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		got = append(got, k)
	}
	if !slices.Equal(got, []string{"1provider-error", "3dtmf"}) || f.count(`SELECT count(*) FROM calls`) != 1 {
		t.Fatalf("events %v", got)
	}
}

// Text PostgreSQL cannot store is cleaned; a record it refuses anyway is
// dropped alone, and counted.
func TestBadDataLosesOnlyItself(t *testing.T) {
	f := newFixture(t)
	w := f.writer(f.store, records.Options{})
	publish(w, "CA1", []events.Event{
		events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, Carrier: "web"},
		events.Transcript{Speaker: events.Caller, Text: "nul\x00 and \xff bad", Final: true},
		events.ToolCalled{Name: "t", Result: "\x00"},
	})
	// an organization that does not exist: the database refuses the row
	publish(w, "CA2", []events.Event{
		events.CallStarted{OrganizationID: 999999, Carrier: "web"},
		events.Transcript{Speaker: events.Caller, Text: "lost with its call", Final: true},
	})
	publish(w, "CA3", []events.Event{
		events.CallStarted{OrganizationID: f.org, Carrier: "web"},
		events.Transcript{Speaker: events.Caller, Text: "kept", Final: true},
	})
	f.flush(w)
	var texts []string
	rows, _ := f.pool.Query(context.Background(), `SELECT content FROM transcripts ORDER BY id`)
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		texts = append(texts, s)
	}
	if !slices.Equal(texts, []string{"nul and  bad", "kept"}) || f.count(`SELECT count(*) FROM call_events`) != 1 {
		t.Fatalf("transcripts %q", texts)
	}
	if w.Dropped() != 1 {
		t.Fatalf("dropped %d, want the refused call row", w.Dropped())
	}
}

// A writer closed while the database is down leaves what it holds in the
// spill file; the next one writes it first, then truncates the file.
func TestRestartReplaysTheSpillFile(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "spill.jsonl")
	f.proxy.Cut()
	w1, err := records.New(records.Options{Store: f.proxied, SpillPath: path})
	if err != nil {
		t.Fatal(err)
	}
	publish(w1, "CA1", f.script("https://hooks.test/a", 2))
	if err := w1.Flush(context.Background()); !errors.Is(err, records.ErrUnavailable) {
		t.Fatalf("flush with the database down: %v", err)
	}
	if err := w1.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 || w1.SpillBytes() != info.Size() {
		t.Fatalf("spill file %v %v", info, err)
	}
	// a crash mid-append leaves a torn line: it is cut off
	file, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	file.WriteString(`{"kind":"transcript","call_sid":"CA1","se`)
	file.Close()
	spilled, _ := os.ReadFile(path)

	f.proxy.Restore()
	w2 := f.writer(f.proxied, records.Options{SpillPath: path})
	f.flush(w2)
	if n := f.count(`SELECT count(*) FROM transcripts`); n != 4 {
		t.Fatalf("%d transcripts after the restart", n)
	}
	if info, _ := os.Stat(path); info.Size() != 0 || w2.SpillBytes() != 0 {
		t.Fatalf("spill file not emptied: %d bytes", info.Size())
	}
	// the same file written again (a crash before the truncation) adds nothing
	if err := os.WriteFile(path, spilled, 0o600); err != nil {
		t.Fatal(err)
	}
	w3 := f.writer(f.store, records.Options{SpillPath: path})
	f.flush(w3)
	if n := f.count(`SELECT count(*) FROM transcripts`); n != 4 || f.count(`SELECT count(*) FROM webhook_outbox`) != 3 ||
		f.count(`SELECT count(*) FROM chat_messages`) != 5 {
		t.Fatalf("%d transcripts after replaying the file again", n)
	}
	if strings.Count(string(spilled), "\n") != 17 { // 20 events: 2 interims not stored, 2 histories coalesced
		t.Fatalf("spill file has %d lines", strings.Count(string(spilled), "\n"))
	}
}

// A call's recording files are recorded after its end, once each however
// often they are reported.
func TestRecordingsAreRecordedOnce(t *testing.T) {
	f := newFixture(t)
	w := f.writer(f.store, records.Options{})
	publish(w, "CA1", f.script("", 1))
	files := []persistence.RecordingFile{
		{Type: "mixed", Format: "wav", SampleRate: 8000, Channels: 2, DurationMS: 5000, Size: 160044, Path: "recordings/CA1.mixed.wav"},
		{Type: "user", Format: "wav", SampleRate: 8000, Channels: 1, DurationMS: 5000, Size: 80044, Path: "recordings/CA1.user.wav"},
	}
	w.RecordingSaved("CA1", t0.Add(6*time.Second), files)
	w.RecordingSaved("CA1", t0.Add(7*time.Second), files)
	f.flush(w)
	c, err := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.store.ListRecordings(context.Background(), f.org, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Type != "mixed" || got[0].Path != files[0].Path || got[0].Size != 160044 || got[0].Channels != 2 ||
		!got[0].CreatedAt.Equal(t0.Add(6*time.Second)) || got[1].Type != "user" {
		t.Fatalf("recordings %+v", got)
	}
	if one, err := f.store.Recording(context.Background(), 0, got[1].ID); err != nil || one.Path != files[1].Path {
		t.Fatalf("recording by id: %+v, %v", one, err)
	}
	if _, err := f.store.Recording(context.Background(), f.org+1, got[1].ID); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("another organization's recording: %v", err)
	}
}

// A call whose recording is being finished sends its end-of-call report
// only once the files are recorded, so that the report links them; a
// recording that failed still releases it.
func TestEndOfCallReportWaitsForTheRecording(t *testing.T) {
	f := newFixture(t)
	w := f.writer(f.store, records.Options{})
	outbox := func(sid string) []string {
		rows, _ := f.pool.Query(context.Background(), `SELECT o.webhook_type || ':' || o.dedup_key FROM webhook_outbox o
			JOIN calls c ON c.id = o.call_id WHERE c.call_sid = $1 ORDER BY o.id`, sid)
		kinds, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return kinds
	}
	for _, sid := range []string{"CA-kept", "CA-failed"} {
		evs := f.script("https://hooks.test/a", 1)
		evs[len(evs)-1] = events.CallEnded{Reason: events.EndCallerHungUp, Duration: 3 * time.Second, Recording: true}
		publish(w, sid, evs)
	}
	f.flush(w)
	for _, sid := range []string{"CA-kept", "CA-failed"} {
		if got := outbox(sid); !slices.Equal(got, []string{"status-update:in-progress", "status-update:ended"}) {
			t.Fatalf("%s before its recording: outbox %v", sid, got)
		}
	}
	w.RecordingSaved("CA-kept", t0.Add(4*time.Second), []persistence.RecordingFile{
		{Type: "mixed", Format: "wav", SampleRate: 8000, Channels: 1, DurationMS: 3000, Size: 48044, Path: "recordings/CA-kept.wav"}})
	w.RecordingSaved("CA-failed", t0.Add(4*time.Second), nil)
	f.flush(w)
	want := []string{"status-update:in-progress", "status-update:ended", "end-of-call-report:"}
	for _, sid := range []string{"CA-kept", "CA-failed"} {
		if got := outbox(sid); !slices.Equal(got, want) {
			t.Fatalf("%s after its recording: outbox %v", sid, got)
		}
	}
	if n := f.count(`SELECT count(*) FROM recordings`); n != 1 {
		t.Fatalf("%d recordings", n)
	}
}

// The opening's decisions land on the call row beside their events: the
// consent answer and who answered, even when both come in one batch.
func TestOpeningDecisionsAreOnTheCall(t *testing.T) {
	f := newFixture(t)
	w := f.writer(f.store, records.Options{})
	w.Publish("CA1", t0, events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, Carrier: "twilio", Direction: "outbound"})
	w.Publish("CA1", t0, events.AnsweredBy{Who: "human", Signal: "speech"})
	w.Publish("CA1", t0, events.Consent{Decision: "agreed", Asked: 1})
	w.Publish("CA2", t0, events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, Carrier: "twilio"})
	w.Publish("CA2", t0, events.DTMF{Digits: "2"})
	f.flush(w)
	c, err := f.store.GetCallBySID(context.Background(), f.org, "CA1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Consent == nil || *c.Consent != "agreed" || c.AnsweredBy == nil || *c.AnsweredBy != "human" {
		t.Fatalf("call row consent %v, answered by %v", c.Consent, c.AnsweredBy)
	}
	if c, err = f.store.GetCallBySID(context.Background(), f.org, "CA2"); err != nil || c.Consent != nil || c.AnsweredBy != nil {
		t.Fatalf("a call never asked: %+v, %v", c, err)
	}
}

// hook is a call's webhook to url with the default settings.
func hook(url string) assistant.CallWebhook {
	if url == "" {
		return assistant.CallWebhook{}
	}
	c := assistant.Defaults()
	c.WebhookURL = &url
	return c.CallWebhook()
}
