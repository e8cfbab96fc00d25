package recording

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// A disk slower than real time: the writer is not started until the whole
// call has been fed, so only Backlog of it can queue. The rest is dropped
// and counted, the actor is never blocked, and the file still has the
// call's length with the dropped stretch silent.
func TestSlowDiskDropsAndKeepsAlignment(t *testing.T) {
	const rate = 8000
	r, err := newRecorder(Options{Root: t.TempDir(), CallID: "CA1", Settings: settings("wav", rate, 1), In: voice.Telephony, Backlog: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	length := 5 * time.Second
	ats, fs := frames(voice.Telephony, 0, tone(rate*5, rate, 440, 8000))
	for i := range ats {
		r.Caller(ats[i], fs[i]) // returns although nothing is written
	}
	// Committed: up to 4.7 s (the newest audio minus the 300 ms window, in
	// 100 ms chunks); queued: the first 1 s; dropped: 1.0–4.7 s.
	if got := r.Stats().Dropped; got != 3700*time.Millisecond {
		t.Errorf("dropped %v, want 3.7s", got)
	}
	if r.held != 10 {
		t.Errorf("%d chunks in memory, want the backlog's 10", r.held)
	}
	r.startWriter()
	tracks := closeRecorder(t, r, length)
	user := decodeTrack(t, tracks[KindUser])
	if user.duration() != length {
		t.Fatalf("user track lasts %v, want %v", user.duration(), length)
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	for _, c := range []struct {
		from, to time.Duration
		loud     bool
	}{{0, ms(1000), true}, {ms(1000), ms(4700), false}, {ms(4700), ms(5000), true}} {
		rms := codecs.RMS(span(user.samples, rate, c.from, c.to))
		if c.loud != (rms > 5000) || !c.loud && rms != 0 {
			t.Errorf("%v–%v: RMS %.0f, loud %v", c.from, c.to, rms, c.loud)
		}
	}
}

func TestLateAudioIsCounted(t *testing.T) {
	r := start(t, settings("wav", 8000, 1), voice.Telephony)
	silence := voice.Telephony.Silence()
	for at := time.Duration(0); at < 2*time.Second; at += codecs.FrameDuration {
		r.Caller(at, silence)
	}
	r.Caller(500*time.Millisecond, silence)  // long written: dropped
	r.Caller(1690*time.Millisecond, silence) // straddles the written point, 2.0 s - 300 ms
	r.Truncate(time.Second)                  // 1.0–1.7 s is written already
	got := r.Stats()
	if got.Late != 30*time.Millisecond || got.TruncateMissed != 700*time.Millisecond || got.Dropped != 0 {
		t.Errorf("stats = %+v, want 30ms late, 700ms missed", got)
	}
	closeRecorder(t, r, 2*time.Second)
}

// Close leaves no goroutine behind, and Start's writer is the only one.
func TestCloseStopsWriter(t *testing.T) {
	r := start(t, settings("mp3", 16000, 2), voice.Telephony)
	r.Caller(0, voice.Telephony.Silence())
	closeRecorder(t, r, time.Second)
	goleak.VerifyNone(t)
}
