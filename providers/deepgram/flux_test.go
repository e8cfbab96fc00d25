package deepgram

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

// fluxSequence renders the turn-taking events of a stream.
func fluxSequence(evs []voice.STTEvent) []string {
	var out []string
	for _, e := range evs {
		switch e := e.(type) {
		case *voice.SpeechStarted:
			out = append(out, "start")
		case *voice.EagerEndOfTurn:
			out = append(out, "eager:"+e.Text)
		case *voice.TurnResumed:
			out = append(out, "resumed")
		case *voice.EndOfTurn:
			out = append(out, "eot:"+e.Text)
		case *voice.Transcript:
			if e.Final {
				out = append(out, "final:"+e.Text)
			}
		case *voice.STTError:
			out = append(out, "error")
		}
	}
	return out
}

func TestFluxEvents(t *testing.T) {
	srv, base := startFake(t, deepgramfake.Config{})
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, fluxSettings(), &rec)
	// eager point 250 ms, end of turn 350 ms (eot 0.7 × 500 ms): a 300 ms
	// pause gets an eager end of turn, then the turn resumes
	var sc stttest.Script
	sc.Silence(100 * time.Millisecond).Say("hello").Silence(300 * time.Millisecond).Say("world").Silence(500 * time.Millisecond)
	sc.Send(t, st)
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(stttest.Of[*voice.EndOfTurn](rec.All())) == 0 {
			return errors.New("no end of turn")
		}
		return nil
	})
	evs := rec.All()
	want := []string{"start", "eager:hello", "resumed", "eager:hello world", "final:hello world", "eot:hello world"}
	if got := fluxSequence(evs); !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v\n%s", got, want, stttest.Describe(evs))
	}
	if s := stttest.Of[*voice.SpeechStarted](evs)[0]; s.At != sc.Starts[0] {
		t.Errorf("speech started at %v, want %v", s.At, sc.Starts[0])
	}
	if err := stttest.SameWords(stttest.FinalWords(evs), sc.Words); err != nil {
		t.Fatal(err)
	}
	f := stttest.Finals(evs)[0]
	if !f.SpeechFinal || f.Confidence != 0.99 || f.Start != 0 {
		t.Errorf("final %+v", f)
	}
	eot := stttest.Of[*voice.EndOfTurn](evs)[0]
	if eot.Confidence < 0.7 {
		t.Errorf("end of turn confidence %v", eot.Confidence)
	}
	// interims: the turn's text as it grows, without repeats
	var interims []string
	for _, tr := range stttest.Of[*voice.Transcript](evs) {
		if !tr.Final {
			interims = append(interims, tr.Text)
		}
	}
	if !slices.Equal(interims, []string{"hello", "hello world"}) {
		t.Errorf("interims %q", interims)
	}

	// ForceEndTurn ends a turn at once
	sc2 := stttest.Script{}
	sc2.Say("wait")
	sc2.Send(t, st)
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(stttest.Of[*voice.SpeechStarted](rec.All())) < 2 {
			return errors.New("second turn not started")
		}
		return nil
	})
	if err := st.Finalize(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(stttest.Of[*voice.EndOfTurn](rec.All())) < 2 {
			return errors.New("turn not forced to end")
		}
		return nil
	})
	if got := fluxSequence(rec.All()); got[len(got)-1] != "eot:wait" {
		t.Fatalf("%v", got)
	}
	rec.Close(t, st)
	sess := srv.Sessions()
	if len(sess) != 1 || sess[0].ForceEndTurns != 1 || sess[0].CloseStreams != 1 {
		t.Fatalf("sessions %+v", sess)
	}
	if errs := stttest.Of[*voice.STTError](rec.All()); len(errs) > 0 {
		t.Fatalf("%s", stttest.Describe(rec.All()))
	}
}

func TestFluxTimeout(t *testing.T) {
	// native end of turn far away: eot_timeout_ms ends the turn
	_, base := startFake(t, deepgramfake.Config{FluxEOTSilence: time.Hour})
	s := fluxSettings()
	s.FluxConfig.EOTTimeoutMS = 800
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, s, &rec)
	var sc stttest.Script
	sc.Say("hmm").Silence(900 * time.Millisecond)
	sc.Send(t, st)
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(stttest.Of[*voice.EndOfTurn](rec.All())) == 0 {
			return errors.New("no end of turn")
		}
		return nil
	})
	rec.Close(t, st)
	if got := fluxSequence(rec.All()); !slices.Equal(got, []string{"start", "final:hmm", "eot:hmm"}) {
		t.Fatalf("%v", got)
	}
}
