package records_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/actors/call/calltest"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/records"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// published keeps every final transcript the calls published.
type published struct {
	mu     sync.Mutex
	finals map[string][]string
	ends   int
}

func (p *published) Publish(id string, _ time.Time, e events.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := e.(type) {
	case events.Transcript:
		if e.Final {
			p.finals[id] = append(p.finals[id], string(e.Speaker)+": "+e.Text)
		}
	case events.CallEnded:
		p.ends++
	}
}

// line is a test caller on a live call.
type line struct {
	call    *call.Call
	carrier *voicetest.Carrier
	say     [][]byte
}

// A PostgreSQL outage in the middle of 50 live calls: the calls go on,
// the records go to memory then to the spill file, and once the database
// is back every transcript row is there, once.
func TestOutageInTheMiddleOfFiftyLiveCalls(t *testing.T) {
	f := newFixture(t)
	const calls, maxBuffered = 50, 300
	w := f.writer(f.proxied, records.Options{MaxBuffered: maxBuffered, BatchSize: 100, Interval: 20 * time.Millisecond,
		RetryMin: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond})

	cfg := assistant.Defaults()
	cfg.Name, cfg.LLMSettings.SystemPrompt = "A", "You are a test."
	hook := "https://hooks.test/a"
	cfg.WebhookURL = &hook
	sys := actors.NewSystem(slog.New(slog.DiscardHandler))
	t.Cleanup(sys.Shutdown)
	clk := clock.NewVirtual(t0)
	pub := &published{finals: map[string][]string{}}
	mgr := call.NewManager(call.Deps{System: sys, Clock: clk, Sinks: []events.Sink{w, pub},
		Assistants: calltest.Assistant{Snapshot: &assistants.Snapshot{ID: f.asst, OrganizationID: f.org, Version: 1, Config: cfg}},
		Providers:  calltest.Providers{STT: &voicetest.STT{Recognize: true}, TTS: &voicetest.TTS{}, Model: &voicetest.LLM{}}})
	t.Cleanup(mgr.Close)

	lines := make([]*line, calls)
	for i := range lines {
		l := &line{carrier: &voicetest.Carrier{}}
		ready := make(chan struct{})
		l.carrier.OnMark = func(name string) { <-ready; l.call.Mark(name) }
		c, err := mgr.Start(context.Background(), call.Spec{Line: l.carrier, CallInfo: voice.CallInfo{ID: fmt.Sprintf("CA%03d", i),
			OrganizationID: f.org, AssistantID: f.asst, From: fmt.Sprintf("+1555%07d", i), To: "+15550000000",
			Direction: "inbound", Carrier: "twilio"}})
		if err != nil {
			t.Fatal(err)
		}
		l.call = c
		close(ready)
		lines[i] = l
	}
	maxDepth, maxSpill := 0, int64(0)
	// speak has every caller say something, then lets the replies play.
	speak := func(round int) {
		for i, l := range lines {
			words := fmt.Sprintf("caller %d round %d", i, round)
			l.say = append(fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(words)}), fakespeech.Silence(400*time.Millisecond)...)
		}
		for step := 0; step < 400; step++ {
			for _, l := range lines {
				if len(l.say) > 0 {
					l.call.Audio(l.say[0])
					l.say = l.say[1:]
				}
			}
			clk.Advance(voice.FrameDuration)
			var wg sync.WaitGroup
			for _, l := range lines {
				wg.Go(func() { _, _ = l.call.Inspect(10 * time.Second) })
			}
			wg.Wait()
			maxDepth, maxSpill = max(maxDepth, w.QueueDepth()), max(maxSpill, w.SpillBytes())
		}
	}

	speak(1)
	f.proxy.Cut()
	speak(2)
	speak(3)
	if maxSpill == 0 {
		t.Fatal("the spill file was not used during the outage")
	}
	if maxDepth > maxBuffered+300 {
		t.Fatalf("%d records in memory during the outage: not bounded", maxDepth)
	}
	f.proxy.Restore()
	speak(4)
	for _, l := range lines {
		l.call.Stopped()
	}
	for _, l := range lines {
		<-l.call.Done()
	}
	mgr.Wait()
	f.flush(w)

	pub.mu.Lock()
	defer pub.mu.Unlock()
	if pub.ends != calls {
		t.Fatalf("%d calls ended", pub.ends)
	}
	rows, err := f.pool.Query(context.Background(), `SELECT c.call_sid, t.speaker || ': ' || t.content
		FROM transcripts t JOIN calls c ON c.id = t.call_id ORDER BY c.call_sid, t.seq`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string][]string{}
	for rows.Next() {
		var sid, text string
		if err := rows.Scan(&sid, &text); err != nil {
			t.Fatal(err)
		}
		stored[sid] = append(stored[sid], text)
	}
	total := 0
	for sid, want := range pub.finals {
		total += len(want)
		if !slices.Equal(stored[sid], want) {
			t.Errorf("%s: stored %q, published %q", sid, stored[sid], want)
		}
	}
	if len(stored) != calls || total < calls*4*2 {
		t.Fatalf("%d calls with transcripts, %d transcripts: the calls did not talk", len(stored), total)
	}
	if n := f.count(`SELECT count(*) FROM calls WHERE ended_reason = $1 AND status = 'completed'`, events.EndCallerHungUp); n != calls {
		t.Fatalf("%d calls recorded as ended", n)
	}
	if n := f.count(`SELECT count(*) FROM webhook_outbox WHERE webhook_type = 'end-of-call-report'`); n != calls {
		t.Fatalf("%d end-of-call reports enqueued", n)
	}
	if w.SpillBytes() != 0 || w.QueueDepth() != 0 || w.Dropped() != 0 {
		t.Fatalf("after recovery: spill %d bytes, %d queued, %d dropped", w.SpillBytes(), w.QueueDepth(), w.Dropped())
	}
	t.Logf("outage: at most %d records in memory, %d bytes spilled; %d transcripts stored", maxDepth, maxSpill, total)
}
