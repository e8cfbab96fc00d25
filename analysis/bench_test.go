package analysis_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/analysis"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
)

// cannedLLM answers in process, streaming four-character deltas the way
// the services do: the summary, a lead for the structured data, an
// evaluation.
type cannedLLM struct{}

func (cannedLLM) Generate(_ context.Context, req voice.LLMRequest, emit func(voice.LLMEvent)) error {
	text := "Ada booked a table for four tonight at eight; she will call back if she is late."
	switch {
	case req.Output != nil && req.Output.Name == "evaluation":
		text = `{"successful":true,"reason":"The table was booked as the caller asked."}`
	case req.Output != nil:
		text = `{"name":"Ada","intent":"booking","seats":4}`
	}
	emit(&voice.LLMServed{Provider: "openai", Model: "gpt-4o-mini"})
	for i := 0; i < len(text); i += 4 {
		emit(&voice.TextDelta{Text: text[i:min(i+4, len(text))]})
	}
	emit(&voice.LLMUsage{PromptTokens: 400, CompletionTokens: len(text) / 4})
	emit(&voice.LLMDone{Reason: "stop"})
	return nil
}

// longCall is a call of 24 messages of some 100 characters each.
func longCall() analysis.Call {
	c := analysis.Call{EndedReason: events.EndCallerHungUp, Instructions: "You take restaurant bookings for Chez Ada."}
	for i := range 24 {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		c.Messages = append(c.Messages, persistence.ChatMessageRow{Role: role,
			Content: strings.Repeat(fmt.Sprintf("message %d of the call about a table. ", i), 3)})
	}
	return c
}

// BenchmarkAnalyze is the engine's own work for one analysis of every
// step (prompts, the schema's compilation, validation, assembling the
// streamed answers), the model answering in process.
func BenchmarkAnalyze(b *testing.B) {
	c, s := longCall(), settings()
	b.ReportAllocs()
	for b.Loop() {
		r, _, err := analysis.Analyze(context.Background(), cannedLLM{}, s, c, persistence.AnalysisResult{})
		if err != nil || r.StructuredData == nil || r.Evaluation == nil {
			b.Fatalf("%v %+v", err, r)
		}
	}
}

// cpu is the process's user and system CPU time so far.
func cpu(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQueueThroughput runs queued analyses through a worker of
// workers slots, end to end: claims and results in PostgreSQL, the call
// and its conversation read back, three requests per call to the OpenAI
// fake over loopback (which answers at once). It reports analyses per
// second and this process's CPU per analysis (the worker's and the
// fake's; PostgreSQL's own is not counted).
func BenchmarkQueueThroughput(b *testing.B) {
	for _, workers := range []int{1, 4, 16} {
		b.Run(fmt.Sprint("workers=", workers), func(b *testing.B) {
			q := newQueue(b)
			const batch = 200
			for i := 0; i < b.N; i += batch {
				q.calls(i, min(batch, b.N-i))
			}
			w := q.worker(q.store, analysis.Options{Workers: workers})
			ctx := context.Background()
			b.ResetTimer()
			start, used := time.Now(), cpu(b)
			done := 0
			for done < b.N {
				n, err := w.RunDue(ctx)
				if err != nil || n == 0 {
					b.Fatalf("ran %d of %d: %v", done, b.N, err)
				}
				done += n
			}
			b.StopTimer()
			elapsed, used := time.Since(start), cpu(b)-used
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "analyses/s")
			b.ReportMetric(float64(used.Microseconds())/1000/float64(b.N), "cpu-ms/analysis")
		})
	}
}

// calls records n whole calls from the i-th, in one write.
func (q *queue) calls(first, n int) {
	var recs []persistence.Record
	for i := first; i < first+n; i++ {
		sid := fmt.Sprint("CA", i)
		recs = append(recs, persistence.Record{Kind: persistence.RecordStarted, CallSID: sid, Seq: 1, At: t0,
			Call: &persistence.CallInfo{OrganizationID: q.org, AssistantID: q.asst, From: "+15550000001", To: "+15550000002",
				Direction: "inbound", Carrier: "twilio"}})
		h := persistence.Record{Kind: persistence.RecordHistory, CallSID: sid, Seq: 2, At: t0}
		for _, m := range longCall().Messages {
			h.Messages = append(h.Messages, persistence.ChatMessage{Role: m.Role, Content: m.Content})
		}
		recs = append(recs, h, persistence.Record{Kind: persistence.RecordEnded, CallSID: sid, Seq: 3, At: t0.Add(time.Minute),
			End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 60000}})
	}
	if err := q.store.WriteRecords(context.Background(), recs); err != nil {
		q.t.Fatal(err)
	}
}

// BenchmarkQueueOverhead is the queue alone: claiming an analysis and
// recording its outcome in PostgreSQL, one at a time, no model.
func BenchmarkQueueOverhead(b *testing.B) {
	q := newQueue(b)
	const batch = 200
	for i := 0; i < b.N; i += batch {
		q.calls(i, min(batch, b.N-i))
	}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		jobs, err := q.store.ClaimAnalyses(ctx, q.clock.Now(), time.Minute, 1)
		if err != nil || len(jobs) != 1 {
			b.Fatalf("%v %v", jobs, err)
		}
		summary := "Ada booked."
		if err := q.store.FinishAnalysis(ctx, persistence.AnalysisOutcome{CallID: jobs[0].CallID, Attempt: jobs[0].Attempt,
			Status: persistence.AnalysisCompleted, Result: persistence.AnalysisResult{Summary: &summary}, At: q.clock.Now()}); err != nil {
			b.Fatal(err)
		}
	}
}
