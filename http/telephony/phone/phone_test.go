package phone

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// Marks are reported once the audio before them played; a clear drops
// the queue and hands back the pending marks.
func TestPlayMarksAndClear(t *testing.T) {
	p := New(nil)
	if !p.Mark("early") {
		t.Fatal("a mark with nothing queued is not reported at once")
	}
	word := fakespeech.Speak(fakespeech.Utterance{Words: []string{"hi"}})
	p.Receive(word[0])
	p.Receive(word[1])
	if p.Mark("m1") {
		t.Fatal("a mark after queued audio reported at once")
	}
	p.Receive(word[2])
	p.Mark("m2")
	if m := p.Play(); len(m) != 0 || p.Transcript() != "hi" {
		t.Fatalf("first frame: marks %v, heard %q", m, p.Transcript())
	}
	if m := p.Play(); len(m) != 1 || m[0] != "m1" {
		t.Fatalf("second frame: marks %v", m)
	}
	p.Receive(word[3])
	p.Mark("m3")
	if m := p.Clear(); len(m) != 2 || m[0] != "m2" || m[1] != "m3" || p.Queued() != 0 || p.Clears() != 1 {
		t.Fatalf("clear: marks %v, %d queued", m, p.Queued())
	}
}

// Replies are timed from the caller's last speech to the assistant's
// first audio; interruptions from the first word over the assistant to
// the clear.
func TestTimings(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := New(clk.now)
	tick := func() []byte {
		f := p.Next()
		clk.t = clk.t.Add(20 * time.Millisecond)
		return f
	}
	p.Say("hello")
	for p.Speaking() {
		tick()
	}
	speechEnd := clk.t.Add(-20*time.Millisecond - tailSilence)
	clk.t = clk.t.Add(100 * time.Millisecond)
	reply := fakespeech.Speak(fakespeech.Utterance{Words: []string{"hi"}})
	p.Receive(reply[0])
	if r := p.Timings().Replies; len(r) != 1 || r[0] != clk.t.Sub(speechEnd) {
		t.Fatalf("replies %v, want %v", r, clk.t.Sub(speechEnd))
	}
	// Talking over the assistant, then the clear.
	p.Say("stop")
	tick()
	start := clk.t.Add(-20 * time.Millisecond)
	clk.t = clk.t.Add(300 * time.Millisecond)
	p.Clear()
	if b := p.Timings().BargeIns; len(b) != 1 || b[0] != clk.t.Sub(start) {
		t.Fatalf("barge-ins %v", b)
	}
}

// The answer to what the caller said over the assistant is timed too:
// the audio the clear dropped is not the assistant still talking, however
// close to the caller's last word the clear came.
func TestAnswerAfterBargeInIsTimed(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := New(clk.now)
	const said = "sorry one more question"
	words := len(fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(said)}))
	reply := fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words("one two three four five six seven eight nine ten")})
	p.Say(said)
	for i := 0; p.Speaking(); i++ {
		switch {
		case i < words-1:
			p.Receive(reply[i]) // the assistant talks until the clear, at the caller's last word
		case i == words-1:
			p.Clear()
		}
		p.Next()
		clk.t = clk.t.Add(20 * time.Millisecond)
	}
	if len(p.Timings().BargeIns) != 1 {
		t.Fatalf("barge-ins %v", p.Timings().BargeIns)
	}
	answer := fakespeech.Speak(fakespeech.Utterance{Words: []string{"yes"}})
	p.Receive(answer[0])
	if r := p.Timings().Replies; len(r) != 1 {
		t.Fatalf("replies %v: the answer after the barge-in was not timed", r)
	}
}

// A clear that comes while the caller talks is a barge-in even when the
// assistant's audio had paused past the barge window as the caller began
// (a loaded engine): it is timed from the caller's first word.
func TestClearWhileTalkingAfterAPauseIsABargeIn(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := New(clk.now)
	reply := fakespeech.Speak(fakespeech.Utterance{Words: []string{"one", "two"}})
	p.Receive(reply[0])
	for range 3 { // play it out, then a pause longer than the window
		p.Play()
		p.Next()
		clk.t = clk.t.Add(bargeWindow)
	}
	p.Say("stop")
	p.Next()
	start := clk.t
	clk.t = clk.t.Add(300 * time.Millisecond)
	p.Clear()
	if b := p.Timings().BargeIns; len(b) != 1 || b[0] != clk.t.Sub(start) {
		t.Fatalf("barge-ins %v, want one of %v", b, clk.t.Sub(start))
	}
}
