package stttest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// Key is the key the fakes demand in the scenarios.
const Key = "stt-test-key"

// Target is a client and its fake.
type Target struct {
	// New returns a client tuned by cfg.
	New func(cfg sttsocket.Config) voice.STT
	// Start runs the fake for one test, demanding Key, with faults: its
	// base URL, and how many connections it has had.
	Start func(t *testing.T, faults *fault.Injector) (base string, conns func() int)
	// Settings ask for interim results and end turns after at most 500 ms
	// of silence.
	Settings assistant.STTSettings
	// CloseDropsTurn: the protocol's close ends the audio without
	// finalizing the turn under way (Deepgram Flux).
	CloseDropsTurn bool
}

// testConfig reconnects fast and never gives up waiting on Close.
var testConfig = sttsocket.Config{BackoffMin: time.Millisecond, BackoffMax: 5 * time.Millisecond, CloseTimeout: 10 * time.Second}

// Run runs every scenario against tg.
func Run(t *testing.T, tg Target) {
	t.Run("stream", tg.stream)
	t.Run("finalize", tg.finalize)
	if !tg.CloseDropsTurn {
		t.Run("close flushes", tg.closeFlushes)
	}
	t.Run("refused", tg.refused)
	t.Run("wrong key", tg.wrongKey)
	t.Run("rate limited", tg.rateLimited)
	t.Run("dropped", tg.dropped)
	t.Run("stalled", tg.stalled)
}

func (tg Target) open(t *testing.T, cfg sttsocket.Config, base, key string, rec *Recorder) (voice.STTStream, error) {
	return tg.New(cfg).OpenSTT(context.Background(), voice.STTOptions{
		Settings: tg.Settings, Format: voice.Telephony, Key: key, BaseURL: base,
	}, rec.Emit)
}

func (tg Target) mustOpen(t *testing.T, cfg sttsocket.Config, base string, rec *Recorder) voice.STTStream {
	t.Helper()
	st, err := tg.open(t, cfg, base, Key, rec)
	if err != nil {
		t.Fatalf("OpenSTT: %v", err)
	}
	return st
}

// endedTurn reports a speech-final transcript or an end of turn.
func endedTurn(evs []voice.STTEvent) bool {
	for _, f := range Finals(evs) {
		if f.SpeechFinal {
			return true
		}
	}
	return len(Of[*voice.EndOfTurn](evs)) > 0
}

// stream: words come back as interims, then finals with their true times,
// one speech start, and the turn ends after the silence.
func (tg Target) stream(t *testing.T) {
	base, _ := tg.Start(t, nil)
	var rec Recorder
	st := tg.mustOpen(t, testConfig, base, &rec)
	var sc Script
	sc.Say("hello there wonderful friend").Silence(time.Second)
	sc.Send(t, st)
	testkit.Eventually(t, 5*time.Second, func() error {
		if !endedTurn(rec.All()) {
			return errors.New("no end of turn yet")
		}
		return nil
	})
	rec.Close(t, st)
	evs := rec.All()
	if err := SameWords(FinalWords(evs), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, Describe(evs))
	}
	interims := 0
	for _, tr := range Of[*voice.Transcript](evs) {
		if !tr.Final {
			interims++
		}
	}
	if interims == 0 {
		t.Errorf("no interim transcript: %s", Describe(evs))
	}
	if s := Of[*voice.SpeechStarted](evs); len(s) != 1 || s[0].At != sc.Starts[0] {
		t.Errorf("speech starts: %s", Describe(evs))
	}
	if e := Of[*voice.STTError](evs); len(e) > 0 {
		t.Errorf("errors: %s", Describe(evs))
	}
}

// finalize: Finalize turns what was heard into finals without waiting for
// silence.
func (tg Target) finalize(t *testing.T) {
	base, _ := tg.Start(t, nil)
	var rec Recorder
	st := tg.mustOpen(t, testConfig, base, &rec)
	var sc Script
	sc.Say("quick check please")
	sc.Send(t, st)
	if err := st.Finalize(); err != nil {
		t.Fatalf("Finalize: %v", err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(FinalWords(rec.All())) < len(sc.Words) {
			return fmt.Errorf("finals so far: %s", Describe(rec.All()))
		}
		return nil
	})
	rec.Close(t, st)
	if err := SameWords(FinalWords(rec.All()), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, Describe(rec.All()))
	}
}

// closeFlushes: Close sends the queued audio and ends it gracefully; the
// last words still arrive as finals.
func (tg Target) closeFlushes(t *testing.T) {
	base, _ := tg.Start(t, nil)
	var rec Recorder
	st := tg.mustOpen(t, testConfig, base, &rec)
	var sc Script
	sc.Say("one more thing")
	sc.Send(t, st)
	rec.Close(t, st)
	evs := rec.All()
	if err := SameWords(FinalWords(evs), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, Describe(evs))
	}
	if e := Of[*voice.STTError](evs); len(e) > 0 {
		t.Errorf("errors: %s", Describe(evs))
	}
	if err := st.SendAudio(sc.Frames[0]); !errors.Is(err, sttsocket.ErrClosed) {
		t.Errorf("SendAudio after Close: %v", err)
	}
}

// refused: a 401 at the handshake fails OpenSTT at once, without retries.
func (tg Target) refused(t *testing.T) {
	var inj fault.Injector
	inj.Always(fault.Fault{Kind: fault.Unauthorized})
	base, conns := tg.Start(t, &inj)
	var rec Recorder
	_, err := tg.open(t, testConfig, base, Key, &rec)
	var r sttsocket.Refusal
	if !errors.As(err, &r) || r.Retryable() {
		t.Fatalf("OpenSTT: %v", err)
	}
	if n := conns(); n > 0 {
		t.Errorf("%d connections", n)
	}
}

// wrongKey: a key the service rejects fails the stream for good, at the
// handshake or in the service's first message, and is not retried.
func (tg Target) wrongKey(t *testing.T) {
	base, conns := tg.Start(t, nil)
	var rec Recorder
	st, err := tg.open(t, testConfig, base, "not-"+Key, &rec)
	if err != nil {
		return // refused at the handshake
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		for _, e := range Of[*voice.STTError](rec.All()) {
			if e.Fatal {
				return nil
			}
		}
		return fmt.Errorf("no fatal error: %s", Describe(rec.All()))
	})
	rec.Close(t, st)
	if n := conns(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

// rateLimited: a 429 at the handshake is retried.
func (tg Target) rateLimited(t *testing.T) {
	var inj fault.Injector
	inj.Next(fault.Fault{Kind: fault.RateLimited}, 1)
	base, _ := tg.Start(t, &inj)
	var rec Recorder
	st := tg.mustOpen(t, testConfig, base, &rec)
	var sc Script
	sc.Say("after the wait").Silence(time.Second)
	sc.Send(t, st)
	rec.Close(t, st)
	if err := SameWords(FinalWords(rec.All()), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, Describe(rec.All()))
	}
}

// dropped runs the call once per drop point: the fake cuts the first
// connection after n messages, for every n up to a clean run's count.
// Whatever the point, every word arrives exactly once, in a final, with its
// true times, and the drop is reported at most once, not fatally.
func (tg Target) dropped(t *testing.T) {
	var sc Script
	sc.Say("first words here").Silence(800 * time.Millisecond).Say("and then more").Silence(time.Second)
	drops := 0
	for n := 0; ; n++ {
		var inj fault.Injector
		inj.Next(fault.Fault{Kind: fault.Drop, After: n}, 1)
		base, conns := tg.Start(t, &inj)
		var rec Recorder
		st := tg.mustOpen(t, testConfig, base, &rec)
		sc.Send(t, st)
		rec.Close(t, st)
		if conns() < 2 {
			if drops == 0 {
				t.Fatal("no drop point")
			}
			return // n passed the last message: every point was tried
		}
		drops++
		evs := rec.All()
		t.Run(fmt.Sprintf("after %d", n), func(t *testing.T) {
			if err := SameWords(FinalWords(evs), sc.Words); err != nil {
				t.Fatalf("%v\n%s", err, Describe(evs))
			}
			// a cut before the service acknowledged the start is a failed
			// attempt, not a drop
			errs := Of[*voice.STTError](evs)
			if len(errs) > 1 || len(errs) == 1 && (errs[0].Fatal || !errors.Is(errs[0].Err, sttsocket.ErrDropped)) {
				t.Fatalf("errors: %s", Describe(evs))
			}
			if s := Of[*voice.SpeechStarted](evs); len(s) != len(sc.Starts) {
				t.Fatalf("%d speech starts, want %d: %s", len(s), len(sc.Starts), Describe(evs))
			}
			var end time.Duration
			for _, f := range Finals(evs) {
				if f.Start < end {
					t.Errorf("final %q starts at %v, before the previous end %v", f.Text, f.Start, end)
				}
				end = max(end, f.End)
			}
		})
	}
}

// stalled: a service that stops answering is dropped after StallTimeout
// and replaced; no word is lost.
func (tg Target) stalled(t *testing.T) {
	var inj fault.Injector
	inj.Next(fault.Fault{Kind: fault.Stall, After: 1}, 1)
	base, conns := tg.Start(t, &inj)
	cfg := testConfig
	cfg.StallTimeout = 100 * time.Millisecond
	var rec Recorder
	st := tg.mustOpen(t, cfg, base, &rec)
	var sc Script
	sc.Say("are you there").Silence(400 * time.Millisecond)
	sc.Send(t, st)
	sc.KeepTalking(t, st, func() bool { return len(FinalWords(rec.All())) >= len(sc.Words) })
	rec.Close(t, st)
	evs := rec.All()
	if err := SameWords(FinalWords(evs), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, Describe(evs))
	}
	errs := Of[*voice.STTError](evs)
	if len(errs) != 1 || errs[0].Fatal || !errors.Is(errs[0].Err, sttsocket.ErrStalled) {
		t.Fatalf("%s", Describe(evs))
	}
	if n := conns(); n != 2 {
		t.Fatalf("%d connections", n)
	}
}
