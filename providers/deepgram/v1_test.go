package deepgram

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestV1Events(t *testing.T) {
	_, base := startFake(t, deepgramfake.Config{})
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, v1Settings(), &rec)
	var sc stttest.Script
	sc.Silence(100 * time.Millisecond).Say("hello there").Silence(1200 * time.Millisecond).Say("bye").Silence(400 * time.Millisecond)
	sc.Send(t, st)
	rec.Close(t, st)
	evs := rec.All()

	starts := stttest.Of[*voice.SpeechStarted](evs)
	if len(starts) != 2 || starts[0].At != sc.Starts[0] || starts[1].At != sc.Starts[1] {
		t.Fatalf("speech starts: %s", stttest.Describe(evs))
	}
	if err := stttest.SameWords(stttest.FinalWords(evs), sc.Words); err != nil {
		t.Fatalf("%v\n%s", err, stttest.Describe(evs))
	}
	fs := stttest.Finals(evs)
	if len(fs) != 2 || fs[0].Text != "hello there" || !fs[0].SpeechFinal || fs[1].Text != "bye" || !fs[1].SpeechFinal {
		t.Fatalf("finals: %s", stttest.Describe(evs))
	}
	// the first final spans the stream's start to its endpoint (300 ms
	// after "there" ends)
	if fs[0].Start != 0 || fs[0].End != sc.Words[1].End+300*time.Millisecond || fs[0].Confidence != 0.99 {
		t.Errorf("final window %v-%v conf %v", fs[0].Start, fs[0].End, fs[0].Confidence)
	}
	// UtteranceEnd after 1000 ms of silence: only the first utterance has it
	if n := len(stttest.Of[*voice.EndOfTurn](evs)); n != 1 {
		t.Errorf("%d ends of turn: %s", n, stttest.Describe(evs))
	}
	interims := 0
	for _, tr := range stttest.Of[*voice.Transcript](evs) {
		if !tr.Final {
			interims++
			if tr.Text == "" || len(tr.Words) == 0 {
				t.Errorf("empty interim %+v", tr)
			}
		}
	}
	if interims < 3 {
		t.Errorf("%d interims: %s", interims, stttest.Describe(evs))
	}
	if errs := stttest.Of[*voice.STTError](evs); len(errs) > 0 {
		t.Errorf("errors: %s", stttest.Describe(evs))
	}
}

func TestV1Punctuation(t *testing.T) {
	_, base := startFake(t, deepgramfake.Config{})
	s := v1Settings()
	s.SmartFormat = true
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, s, &rec)
	var sc stttest.Script
	sc.Say("good morning").Silence(400 * time.Millisecond)
	sc.Send(t, st)
	rec.Close(t, st)
	fs := stttest.Finals(rec.All())
	if len(fs) != 1 || fs[0].Text != "Good morning." || fs[0].Words[0].Text != "Good" || fs[0].Words[1].Text != "morning." {
		t.Fatalf("%s", stttest.Describe(rec.All()))
	}
}

func TestV1NoInterimsAndNoise(t *testing.T) {
	_, base := startFake(t, deepgramfake.Config{})
	s := v1Settings()
	s.InterimResults = false
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, s, &rec)
	var sc stttest.Script
	sc.Noise(200 * time.Millisecond).Silence(500 * time.Millisecond).Say("yes").Silence(400 * time.Millisecond)
	sc.Send(t, st)
	rec.Close(t, st)
	evs := rec.All()
	// noise: a speech start but no words
	if starts := stttest.Of[*voice.SpeechStarted](evs); len(starts) != 2 || starts[0].At != 0 {
		t.Fatalf("speech starts: %s", stttest.Describe(evs))
	}
	for _, tr := range stttest.Of[*voice.Transcript](evs) {
		if !tr.Final {
			t.Fatalf("interim without interim_results: %s", stttest.Describe(evs))
		}
	}
	if err := stttest.SameWords(stttest.FinalWords(evs), sc.Words); err != nil {
		t.Fatal(err)
	}

	// a fake that hears noise as a low-confidence filler
	_, base = startFake(t, deepgramfake.Config{NoiseWord: "um", NoiseConfidence: 0.2})
	rec = stttest.Recorder{}
	st = open(t, New(testConfig), base, s, &rec)
	sc = stttest.Script{}
	sc.Noise(200 * time.Millisecond).Silence(400 * time.Millisecond)
	sc.Send(t, st)
	rec.Close(t, st)
	if fs := stttest.Finals(rec.All()); len(fs) != 1 || fs[0].Text != "um" || fs[0].Words[0].Confidence != 0.2 {
		t.Fatalf("filler: %s", stttest.Describe(rec.All()))
	}
}

func TestV1Finalize(t *testing.T) {
	srv, base := startFake(t, deepgramfake.Config{})
	s := v1Settings()
	s.Endpointing.SilenceThreshold = 5000
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, s, &rec)
	var sc stttest.Script
	sc.Say("quick answer")
	sc.Send(t, st)
	if err := st.Finalize(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(stttest.Finals(rec.All())) == 0 {
			return errors.New("no final")
		}
		return nil
	})
	fs := stttest.Finals(rec.All())
	if fs[0].Text != "quick answer" || fs[0].SpeechFinal || fs[0].End != sc.At() {
		t.Fatalf("%s", stttest.Describe(rec.All()))
	}
	if n := srv.Sessions()[0].Finalizes; n != 1 {
		t.Fatalf("%d Finalize messages", n)
	}
	rec.Close(t, st)
}

func TestV1CloseFlushes(t *testing.T) {
	srv, base := startFake(t, deepgramfake.Config{})
	s := v1Settings()
	s.Endpointing.SilenceThreshold = 5000
	var rec stttest.Recorder
	st := open(t, New(testConfig), base, s, &rec)
	var sc stttest.Script
	sc.Say("last words")
	sc.Send(t, st)
	rec.Close(t, st)
	// CloseStream made the fake finalize what it had; Close waited for it
	// and for Metadata, then the fake closed normally: no error
	evs := rec.All()
	if err := stttest.SameWords(stttest.FinalWords(evs), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, stttest.Describe(evs))
	}
	if len(stttest.Of[*voice.STTError](evs)) > 0 {
		t.Fatalf("%s", stttest.Describe(evs))
	}
	sess := srv.Sessions()
	if len(sess) != 1 || sess[0].CloseStreams != 1 || sess[0].Audio != sc.At() {
		t.Fatalf("sessions %+v", sess)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if !srv.Sessions()[0].Ended {
			return errors.New("fake connection still open")
		}
		return nil
	})
	for _, err := range []error{st.SendAudio(sc.Frames[0]), st.Finalize(), st.Close()} {
		if err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("after Close: %v", err)
		}
	}
	if err := st.SendAudio(sc.Frames[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("SendAudio after Close: %v", err)
	}
}

func TestKeepAlive(t *testing.T) {
	srv, base := startFake(t, deepgramfake.Config{IdleTimeout: 100 * time.Millisecond})
	cfg := testConfig
	cfg.KeepAlive = 20 * time.Millisecond
	var rec stttest.Recorder
	st := open(t, New(cfg), base, v1Settings(), &rec)
	// no audio: KeepAlives hold the connection past the idle timeout
	testkit.Eventually(t, 10*time.Second, func() error {
		if n := srv.Sessions()[0].KeepAlives; n < 10 {
			return errors.New("too few KeepAlives")
		}
		return nil
	})
	if len(srv.Sessions()) != 1 || len(rec.All()) != 0 {
		t.Fatalf("sessions %d, events %s", len(srv.Sessions()), stttest.Describe(rec.All()))
	}
	rec.Close(t, st)
}

func TestNET0001Reconnects(t *testing.T) {
	srv, base := startFake(t, deepgramfake.Config{IdleTimeout: 50 * time.Millisecond})
	cfg := testConfig
	cfg.KeepAlive = time.Hour // too late: the fake closes the idle connection
	var rec stttest.Recorder
	st := open(t, New(cfg), base, v1Settings(), &rec)
	testkit.Eventually(t, 10*time.Second, func() error {
		if len(srv.Sessions()) < 2 {
			return errors.New("no reconnection")
		}
		return nil
	})
	errs := stttest.Of[*voice.STTError](rec.All())
	if len(errs) == 0 || errs[0].Fatal || !errors.Is(errs[0].Err, ErrDropped) || !errors.Is(errs[0].Err, ErrUnexpectedClose) {
		t.Fatalf("%s", stttest.Describe(rec.All()))
	}
	// the stream still works: speak and close before the next idle close
	var sc stttest.Script
	sc.Say("still here").Silence(400 * time.Millisecond)
	sc.Send(t, st)
	rec.Close(t, st)
	if err := stttest.SameWords(stttest.FinalWords(rec.All()), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, stttest.Describe(rec.All()))
	}
}
