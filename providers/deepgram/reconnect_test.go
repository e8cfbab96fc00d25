package deepgram

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

// dropEverywhere runs the same call once per drop point: the fake cuts the
// first connection after n messages, for every n up to a clean run's
// count. Whatever the point, every word must arrive exactly once, in a
// final, with its true times on the stream's timeline.
// starts are where speech starts are due: one per v1 utterance or per
// Flux turn.
func dropEverywhere(t *testing.T, s assistant.STTSettings, sc *stttest.Script, starts []time.Duration, check func(t *testing.T, evs []voice.STTEvent)) {
	t.Run("burst", func(t *testing.T) { dropEach(t, s, sc, starts, false, check) })
	t.Run("paced", func(t *testing.T) { dropEach(t, s, sc, starts, true, check) })
}

// dropEach runs the call once per drop point; paced sends the audio over
// tens of milliseconds, so drops also fall while audio is still coming.
func dropEach(t *testing.T, s assistant.STTSettings, sc *stttest.Script, starts []time.Duration, paced bool, check func(t *testing.T, evs []voice.STTEvent)) {
	drops := 0
	for n := 0; ; n++ {
		var inj fault.Injector
		srv, base := startFake(t, deepgramfake.Config{Faults: &inj, MaxSegment: 800 * time.Millisecond})
		inj.Next(fault.Fault{Kind: fault.Drop, After: n}, 1)
		var rec stttest.Recorder
		st := open(t, New(testConfig), base, s, &rec)
		if paced {
			sc.SendPaced(t, st, 4)
		} else {
			sc.Send(t, st)
		}
		rec.Close(t, st)
		evs := rec.All()
		dropped := len(srv.Sessions()) > 1
		if !dropped {
			if drops == 0 {
				t.Fatal("no drop point")
			}
			return // n passed the last message: every point was tried
		}
		drops++
		t.Run(fmt.Sprintf("drop after %d", n), func(t *testing.T) {
			if err := stttest.SameWords(stttest.FinalWords(evs), sc.Words); err != nil {
				t.Fatalf("%v\n%s", err, stttest.Describe(evs))
			}
			errs := stttest.Of[*voice.STTError](evs)
			if len(errs) != 1 || errs[0].Fatal || !errors.Is(errs[0].Err, ErrDropped) {
				t.Fatalf("errors: %s", stttest.Describe(evs))
			}
			got := stttest.Of[*voice.SpeechStarted](evs)
			if len(got) != len(starts) {
				t.Fatalf("%d speech starts, want %d: %s", len(got), len(starts), stttest.Describe(evs))
			}
			for i, st := range got {
				if st.At != starts[i] {
					t.Errorf("speech start %d at %v, want %v", i, st.At, starts[i])
				}
			}
			// finals tile the timeline: each starts where the last ended
			var end time.Duration
			for _, f := range stttest.Finals(evs) {
				if f.Start < end {
					t.Errorf("final %q starts at %v, before the previous end %v", f.Text, f.Start, end)
				}
				end = f.End
			}
			check(t, evs)
		})
	}
}

func TestV1ReconnectReplay(t *testing.T) {
	var sc stttest.Script
	sc.Silence(200 * time.Millisecond).Say("one two three").Silence(600 * time.Millisecond).
		Say("four five six seven eight nine").Silence(1200 * time.Millisecond)
	dropEverywhere(t, v1Settings(), &sc, sc.Starts, func(t *testing.T, evs []voice.STTEvent) {
		// endpoints: one per utterance, never repeated
		n := 0
		for _, f := range stttest.Finals(evs) {
			if f.SpeechFinal {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d speech finals: %s", n, stttest.Describe(evs))
		}
		// one UtteranceEnd (only the last silence reaches 1000 ms), never
		// lost or repeated
		if n := len(stttest.Of[*voice.EndOfTurn](evs)); n != 1 {
			t.Errorf("%d ends of turn: %s", n, stttest.Describe(evs))
		}
	})
}

func TestFluxReconnectReplay(t *testing.T) {
	var sc stttest.Script
	sc.Silence(200 * time.Millisecond).Say("one two").Silence(300 * time.Millisecond).Say("three").
		Silence(600 * time.Millisecond).Say("four five six").Silence(600 * time.Millisecond)
	// "one two" and "three" are one turn (the pause resumes it)
	dropEverywhere(t, fluxSettings(), &sc, []time.Duration{sc.Starts[0], sc.Starts[2]}, func(t *testing.T, evs []voice.STTEvent) {
		// a turn is replayed whole, so both end; an eager end of turn is
		// always settled by a resume or the end of turn before the next
		if n := len(stttest.Of[*voice.EndOfTurn](evs)); n != 2 {
			t.Errorf("%d ends of turn: %s", n, stttest.Describe(evs))
		}
		eager := false
		for _, e := range evs {
			switch e.(type) {
			case *voice.EagerEndOfTurn:
				if eager {
					t.Fatalf("unsettled eager end of turn: %s", stttest.Describe(evs))
				}
				eager = true
			case *voice.TurnResumed:
				if !eager {
					t.Fatalf("resume without eager end of turn: %s", stttest.Describe(evs))
				}
				eager = false
			case *voice.EndOfTurn:
				eager = false
			}
		}
		eots := stttest.Of[*voice.EndOfTurn](evs)
		if eots[0].Text != "one two three" || eots[1].Text != "four five six" {
			t.Errorf("turns %q, %q", eots[0].Text, eots[1].Text)
		}
	})
}

// TestFinalizeSurvivesDrop: the connection drops before the result of a
// Finalize; the new connection gets the replayed audio and the Finalize
// again, so the final still comes (nothing else would: no silence follows).
func TestFinalizeSurvivesDrop(t *testing.T) {
	var inj fault.Injector
	srv, base := startFake(t, deepgramfake.Config{Faults: &inj})
	inj.Next(fault.Fault{Kind: fault.Drop, After: 1}, 1) // SpeechStarted passes, the final does not
	s := v1Settings()
	s.InterimResults, s.Endpointing.SilenceThreshold = false, 5000
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, s, &rec)
	var sc stttest.Script
	sc.Say("hold on")
	sc.Send(t, st)
	if err := st.Finalize(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if len(stttest.Finals(rec.All())) == 0 {
			return errors.New("no final")
		}
		return nil
	})
	evs := rec.All()
	if err := stttest.SameWords(stttest.FinalWords(evs), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, stttest.Describe(evs))
	}
	if n := len(stttest.Of[*voice.SpeechStarted](evs)); n != 1 {
		t.Fatalf("%d speech starts: %s", n, stttest.Describe(evs))
	}
	sess := srv.Sessions()
	if len(sess) != 2 || sess[0].Finalizes != 1 || sess[1].Finalizes != 1 {
		t.Fatalf("sessions %+v", sess)
	}
	rec.Close(t, st)
}
