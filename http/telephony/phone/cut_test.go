package phone

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
)

// On RTP the assistant's audio stopping while the caller talks over it is
// the barge-in's clear, timed from the caller's first word over it; the
// audio stopping long after the caller's last word is no barge-in.
func TestCut(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := New(clk.now)
	reply := fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words("one two three four five six")})
	p.Say("stop")
	var start time.Time
	for i := 0; p.Speaking(); i++ {
		p.Receive(reply[i])
		p.Play()
		if f := p.Next(); start.IsZero() && !fakespeech.IsSilence(f) {
			start = clk.t
		}
		clk.t = clk.t.Add(20 * time.Millisecond)
	}
	if !p.Cut(clk.t) || p.Clears() != 1 {
		t.Fatal("the audio stopping as the caller talked over it was not a barge-in")
	}
	if b := p.Timings().BargeIns; len(b) != 1 || b[0] != clk.t.Sub(start) {
		t.Fatalf("barge-ins %v, want one of %v", b, clk.t.Sub(start))
	}
	if p.Cut(clk.t) {
		t.Fatal("a second cut counted for the same barge-in")
	}

	p.Say("mm-hmm")
	for i := 0; p.Speaking(); i++ {
		p.Receive(reply[i])
		p.Play()
		p.Next()
		clk.t = clk.t.Add(20 * time.Millisecond)
	}
	if p.Cut(clk.t.Add(2*cutWindow)) || p.Clears() != 1 {
		t.Fatal("the reply ending long after a backchannel counted as a barge-in")
	}
}

// Silence queued to play (RTP sends it without pause) does not keep the
// line from being quiet.
func TestQuietWithSilenceQueued(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := New(clk.now)
	p.Receive(fakespeech.Speak(fakespeech.Utterance{Words: []string{"hi"}})[0])
	clk.t = clk.t.Add(time.Second)
	p.Receive(fakespeech.Silence(fakespeech.FrameDuration)[0])
	if p.Quiet(500 * time.Millisecond) {
		t.Fatal("quiet with a word still to play")
	}
	p.Play()
	if !p.Quiet(500*time.Millisecond) || p.Queued() != 1 {
		t.Fatalf("not quiet with only silence queued (%d frames)", p.Queued())
	}
}
