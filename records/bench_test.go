package records_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/records"
	"github.com/switchboard-voice/switchboard/voice"
)

// discard is a database that takes everything at once.
type discard struct{}

func (discard) WriteRecords(context.Context, []persistence.Record) error { return nil }

func benchWriter(b *testing.B, store records.Store, batch int) *records.Writer {
	w, err := records.New(records.Options{Store: store, SpillPath: filepath.Join(b.TempDir(), "spill"), BatchSize: batch})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = w.Close(context.Background()) })
	return w
}

// BenchmarkPublish is the cost a call actor pays per event (the event is
// boxed by the actor already, as it is here once). Events go in bursts of
// 1,000 that the writer drains between them, untimed: the steady state of
// a writer keeping up. The allocation reported is the writer goroutine's
// (converting the event into a record); Publish itself allocates nothing.
func BenchmarkPublish(b *testing.B) {
	w := benchWriter(b, discard{}, 0)
	var e events.Event = events.Transcript{Speaker: events.Caller, Text: "what are your opening hours", Final: true}
	at := time.Now()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w.Publish("CA0123456789abcdef0123456789abcdef", at, e)
		if i%1000 == 999 {
			b.StopTimer()
			if err := w.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
}

// BenchmarkPublishParallel is Publish from as many goroutines as CPUs,
// with the writer draining concurrently (timed): contention included.
func BenchmarkPublishParallel(b *testing.B) {
	w := benchWriter(b, discard{}, 0)
	var e events.Event = events.Transcript{Speaker: events.Caller, Text: "what are your opening hours", Final: true}
	at := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w.Publish("CA0123456789abcdef0123456789abcdef", at, e)
		}
	})
}

// BenchmarkWriterThroughput publishes a realistic mix of events from 100
// calls (per turn: speech started, two final transcripts, an interim, the
// turn, reply start and end, stage timings and the history) and waits for
// PostgreSQL to hold them; one op is one event. store=discard is the
// writer's own ceiling (conversion and batching, no database).
func BenchmarkWriterThroughput(b *testing.B) {
	for _, c := range []struct {
		name  string
		batch int
		db    bool
	}{{"store=discard", 1000, false}, {"batch=100", 100, true}, {"batch=1000", 1000, true}, {"batch=5000", 5000, true}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			var store records.Store = discard{}
			var org int64
			if c.db {
				pool, err := persistence.Open(ctx, pgtest.DSN(b))
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(pool.Close)
				s := persistence.NewStore(pool)
				o, err := s.EnsureOrganization(ctx, "Bench")
				if err != nil {
					b.Fatal(err)
				}
				store, org = s, o.ID
			}
			w := benchWriter(b, store, c.batch)
			sids := make([]string, 100)
			at := time.Now()
			for i := range sids {
				sids[i] = fmt.Sprintf("CA%032d", i)
				w.Publish(sids[i], at, events.CallStarted{OrganizationID: org, Carrier: "twilio",
					From: "+15550000000", To: "+15550000001", Direction: "inbound"})
			}
			if err := w.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			history := []voice.Message{{Role: voice.RoleSystem, Content: "You are a helpful receptionist for a dental practice."}}
			turn := func(n int) []events.Event {
				said := fmt.Sprintf("I would like to book a cleaning next week, turn %d", n)
				history = append(history, voice.Message{Role: voice.RoleUser, Content: said},
					voice.Message{Role: voice.RoleAssistant, Content: "Of course. Which day suits you best?"})
				h := history[max(0, len(history)-12):] // bounded: the benchmark measures rows, not ever longer histories
				return []events.Event{events.CallerSpeechStarted{},
					events.Transcript{Speaker: events.Caller, Text: said[:20], Confidence: 0.8},
					events.Transcript{Speaker: events.Caller, Text: said, Final: true, Confidence: 0.95, Start: time.Second, End: 3 * time.Second},
					events.TurnCommitted{Turn: n, Text: said, ConfigVersion: 1},
					events.ReplyStarted{Turn: n, Source: "llm"},
					events.StageTimings{Turn: n, LLMFirstToken: 310 * time.Millisecond, TTSFirstAudio: 120 * time.Millisecond,
						FirstFrameOut: 450 * time.Millisecond, LLMProvider: "openai"},
					events.Transcript{Speaker: events.Assistant, Text: "Of course. Which day suits you best?", Final: true, Start: 3 * time.Second, End: 5 * time.Second},
					events.ReplyFinished{Turn: n, Heard: "Of course. Which day suits you best?"},
					events.History{Messages: append([]voice.Message(nil), h...)},
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for sent, n := 0, 0; sent < b.N; n++ {
				evs := turn(n)
				for i := 0; i < len(sids) && sent < b.N; i++ {
					for _, e := range evs {
						w.Publish(sids[i], at, e)
					}
					sent += len(evs)
				}
				// as fast as the writer keeps up, never so fast that it spills
				for w.QueueDepth() > 20_000 {
					time.Sleep(100 * time.Microsecond)
				}
			}
			if err := w.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			if w.SpillBytes() != 0 {
				b.Fatal("the writer spilled: the measure is not of PostgreSQL writes")
			}
		})
	}
}

// BenchmarkCrashDuringOutage measures what a crash during a database
// outage loses. 20 calls publish a final transcript every 20 ms each
// (1,000 records/s) for 2 s with the database unreachable; then the
// process "dies": the spill file is read as the crash leaves it. lost-ms
// is the age of the oldest record not in the file (0: nothing lost); the
// bound is SpillAfter (200 ms) plus the writer's scheduling delay.
func BenchmarkCrashDuringOutage(b *testing.B) {
	const calls, every, run = 20, 20 * time.Millisecond, 2 * time.Second
	var worst time.Duration
	var spilled int64
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "spill")
		w, err := records.New(records.Options{Store: downStore{}, SpillPath: path, RetryMin: time.Second, RetryMax: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		for c := range calls {
			w.Publish(fmt.Sprint("CA", c), time.Now(), events.CallStarted{OrganizationID: 1, Carrier: "twilio"})
		}
		var published []time.Time // by record number
		tick := time.NewTicker(every)
		for start := time.Now(); time.Since(start) < run; <-tick.C {
			for c := range calls {
				w.Publish(fmt.Sprint("CA", c), time.Now(), events.Transcript{Speaker: events.Caller, Text: fmt.Sprint(len(published)), Final: true})
				published = append(published, time.Now())
			}
		}
		tick.Stop()
		crash := time.Now()
		left, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		kept := 0 // records reach the file in the order they were published
		for line := range bytes.Lines(left) {
			var r persistence.Record
			if json.Unmarshal(line, &r) == nil && r.Transcript != nil {
				kept = max(kept, 1+atoi(b, r.Transcript.Text))
			}
		}
		if kept < len(published) {
			worst = max(worst, crash.Sub(published[kept]))
		}
		spilled = max(spilled, int64(len(left)))
		_ = w.Close(context.Background()) // after the "crash": only to end its goroutine
	}
	b.ReportMetric(float64(worst.Milliseconds()), "lost-ms")
	b.ReportMetric(float64(spilled), "spill-bytes")
}

func atoi(b *testing.B, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		b.Fatal(err)
	}
	return n
}
