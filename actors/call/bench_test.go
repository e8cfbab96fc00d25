package call

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/recording"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// timedLine is a carrier that timestamps the first frame after it is
// armed and the next clear; marks are echoed at once.
type timedLine struct {
	call       atomic.Pointer[Call]
	armedFrame atomic.Bool
	armedClear atomic.Bool
	frameAt    chan time.Time
	clearAt    chan time.Time
	frames     atomic.Int64
}

func newTimedLine() *timedLine {
	return &timedLine{frameAt: make(chan time.Time, 1), clearAt: make(chan time.Time, 1)}
}

func (l *timedLine) Format() voice.Format { return voice.Telephony }
func (l *timedLine) SendAudio([]byte) error {
	l.frames.Add(1)
	if l.armedFrame.CompareAndSwap(true, false) {
		l.frameAt <- time.Now()
	}
	return nil
}
func (l *timedLine) SendMark(name string) error {
	if c := l.call.Load(); c != nil {
		c.Mark(name)
	}
	return nil
}
func (l *timedLine) Clear() error {
	if l.armedClear.CompareAndSwap(true, false) {
		l.clearAt <- time.Now()
	}
	return nil
}
func (l *timedLine) SendDTMF(string) error                                 { return nil }
func (l *timedLine) Transfer(context.Context, voice.TransferRequest) error { return nil }
func (l *timedLine) HangUp(context.Context) error                          { return nil }

// Replies: short for turns, long enough for barge-ins to fall outside the
// reply's protected tail.
const (
	shortReply = "Sure, I can help with that right away." // about 2.5 s of audio
	longReply  = "Sure, I can help you with that, just a moment while I look it up for you, and then we can go through every option together."
)

// benchCalls starts n calls with instant providers on the real clock.
func benchCalls(b *testing.B, n int, reply string) ([]*Call, []*timedLine, *voicetest.STT) {
	b.Helper()
	sys := actors.NewSystem(slog.New(slog.DiscardHandler))
	b.Cleanup(sys.Shutdown)
	cfg := assistant.Defaults()
	cfg.Name = "bench"
	stt := &voicetest.STT{}
	reg := &fakeAssistants{sys: sys, snap: &assistants.Snapshot{ID: 1, OrganizationID: 1, Version: 1, Config: cfg}, subs: map[string]*actor.PID{}}
	llm := &voicetest.LLM{Reply: func(voice.LLMRequest) (string, []voice.ToolCall) { return reply, nil }}
	mgr := NewManager(Deps{System: sys, Assistants: reg, Providers: staticProviders{stt, &voicetest.TTS{}, llm}})
	b.Cleanup(mgr.Close)
	calls := make([]*Call, n)
	lines := make([]*timedLine, n)
	for i := range n {
		lines[i] = newTimedLine()
		c, err := mgr.Start(context.Background(), Spec{CallInfo: voice.CallInfo{ID: fmt.Sprintf("B%05d", i), OrganizationID: 1, AssistantID: 1}, Line: lines[i]})
		if err != nil {
			b.Fatal(err)
		}
		lines[i].call.Store(c)
		calls[i] = c
		// one at a time, so stream i is call i's
		for len(stt.Streams()) <= i {
			time.Sleep(100 * time.Microsecond)
		}
	}
	b.Cleanup(func() {
		for _, c := range calls {
			c.Stopped()
		}
		for _, c := range calls {
			<-c.Done()
		}
		mgr.Wait()
	})
	return calls, lines, stt
}

// turns runs rounds of turns on every call at once, each call on its own
// goroutine, and returns the latencies measured by measure.
func turns(b *testing.B, n, rounds int, reply string, measure func(i int, st *voicetest.STTStream, line *timedLine) time.Duration) []time.Duration {
	calls, lines, stt := benchCalls(b, n, reply)
	streams := stt.Streams()
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			// Turns spread evenly over a turn cycle (about 3 s: the reply
			// plays, then silence), as independent callers' would be.
			time.Sleep(time.Duration(i) * 3 * time.Second / time.Duration(n))
			for range rounds {
				d := measure(i, streams[i], lines[i])
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat
}

func reportLatency(b *testing.B, lat []time.Duration) {
	pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	b.ReportMetric(float64(pct(0.5).Microseconds()), "p50-µs")
	b.ReportMetric(float64(pct(0.99).Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.Logf("%d samples: p50 %v p99 %v max %v", len(lat), pct(0.5), pct(0.99), lat[len(lat)-1])
}

// endOfTurn is the caller's turn ending: a final with an endpoint.
var endOfTurn = &voice.Transcript{Text: "what time do you open tomorrow", Confidence: 0.95, Final: true, SpeechFinal: true}

// oneTurn measures end-of-turn event in → first frame out, then lets the
// reply play out (in real time) before the next round.
func oneTurn(_ int, st *voicetest.STTStream, line *timedLine) time.Duration {
	line.armedFrame.Store(true)
	start := time.Now()
	st.Emit(endOfTurn)
	at := <-line.frameAt
	line.waitQuiet()
	return at.Sub(start)
}

// waitQuiet returns once the reply has played out: no frame for 300 ms.
func (l *timedLine) waitQuiet() {
	last := l.frames.Load()
	for quiet := time.Duration(0); quiet < 300*time.Millisecond; {
		time.Sleep(50 * time.Millisecond)
		if n := l.frames.Load(); n != last {
			last, quiet = n, 0
			continue
		}
		quiet += 50 * time.Millisecond
	}
}

// BenchmarkTurn is the actor path's overhead per turn with instant
// providers: the caller's end of turn in, the first audio frame out.
// Target: p99 ≤ 1 ms at 1,000 concurrent calls (2-core machine). Each run
// measures real time once and reports percentiles; run it with
// -benchtime=1x.
func BenchmarkTurn(b *testing.B) {
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprintf("calls=%d", n), func(b *testing.B) {
			reportLatency(b, turns(b, n, max(2, 30/n), shortReply, oneTurn))
		})
	}
}

// bargeIn measures a confirming interim in → the carrier's clear out,
// during a reply.
func bargeIn(_ int, st *voicetest.STTStream, line *timedLine) time.Duration {
	line.armedFrame.Store(true)
	st.Emit(endOfTurn)
	<-line.frameAt
	time.Sleep(time.Second) // past min_speaking_time
	st.Emit(&voice.SpeechStarted{})
	time.Sleep(50 * time.Millisecond)
	line.armedClear.Store(true)
	start := time.Now()
	st.Emit(&voice.Transcript{Text: "no stop please", Confidence: 0.95})
	at := <-line.clearAt
	st.Emit(&voice.Transcript{Text: "no stop please", Confidence: 0.95, Final: true, SpeechFinal: true})
	line.waitQuiet() // the answer to the interruption plays
	return at.Sub(start)
}

// BenchmarkBargeIn is the reaction to a confirmed interruption: the
// confirming transcript in, the clear out. Target: p99 ≤ 1 ms at 1,000
// calls.
func BenchmarkBargeIn(b *testing.B) {
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprintf("calls=%d", n), func(b *testing.B) {
			reportLatency(b, turns(b, n, max(2, 30/n), longReply, bargeIn))
		})
	}
}

var _ events.Sink = (*sink)(nil)

// scriptedCall is one minute of a call in virtual time, recorded (MP3, the
// default) with a background sound: the welcome, five questions answered,
// an answer talked over, silence, and the caller hanging up. It returns the
// call's length.
func scriptedCall(tb testing.TB) time.Duration {
	h := newHarness(tb, func(c *assistant.Config) {
		recorded(c)
		c.RecordingSettings.Format, c.RecordingSettings.DisclosureEnabled = "mp3", false
		office := "office"
		c.TTSSettings.BackgroundSound = assistant.BackgroundSound{Enabled: true, StorageKey: &office, Volume: 0.3, Loop: true}
	})
	lib, err := ambience.NewLibrary(ambience.LibraryOptions{Dir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	h.mgr.Sounds, h.mgr.RecordingsRoot, h.mgr.Recordings = lib, tb.TempDir(), &saved{tracks: map[string][]recording.Track{}}
	h.llm.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		return "Sure, I can help you with that, just a moment while I look it up for you, and then we can go through it.", nil
	}
	cl := h.start("CA-scripted")
	// The background sound is mixed into every frame, so the caller cannot
	// decode words: the script follows the call's events instead.
	count := func(kind string) int { return len(h.sink.of(cl.call.ID, kind)) }
	h.until(5*time.Second, "welcome", func() bool { return count("reply-finished") == 1 })
	for _, q := range []string{"what are your hours", "do you repair wheels", "how much is a service", "can I book for monday", "where are you"} {
		n := count("reply-finished")
		cl.speak(q)
		h.until(20*time.Second, "reply", func() bool { return count("reply-finished") > n })
	}
	n := count("stage-timings")
	cl.speak("tell me everything")
	h.until(10*time.Second, "reply playing", func() bool { return count("stage-timings") > n })
	h.run(1500 * time.Millisecond)
	cl.speak("no stop please just the price")
	h.until(10*time.Second, "barge-in", func() bool { return count("interruption") >= 2 })
	n = count("reply-finished")
	h.until(20*time.Second, "barge-in answered", func() bool { return count("reply-finished") > n })
	h.run(2 * time.Second)
	length := h.clk.Now().Sub(cl.call.State().Started)
	cl.call.Stopped()
	h.until(time.Second, "ended", func() bool { return h.ended(cl) })
	h.mgr.Wait()
	return length
}

// BenchmarkScriptedCall runs the scripted call; `make bench-instructions`
// counts its instructions under callgrind, which are the same whatever the
// machine is doing, so that a change in the call path's cost shows.
func BenchmarkScriptedCall(b *testing.B) {
	var length time.Duration
	for range b.N {
		length = scriptedCall(b)
	}
	b.ReportMetric(length.Seconds(), "call-s")
}
