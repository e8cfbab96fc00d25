package fakespeech

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
)

func TestSpeakDecodes(t *testing.T) {
	frames := Speak(Utterance{Words: Words("hello there café"), Confidence: 0.42})
	var words []string
	for _, f := range frames {
		if len(f) != FrameBytes {
			t.Fatalf("frame of %d bytes", len(f))
		}
		d := Decode(f)
		if d.Kind == KindWord {
			words = append(words, d.Word)
			if d.Confidence != 0.42 {
				t.Errorf("confidence %v", d.Confidence)
			}
		}
		if d.Kind == KindNone && !IsSilence(f) {
			t.Error("unmarked non-silent frame")
		}
	}
	if !slices.Equal(words, []string{"hello", "there", "café"}) {
		t.Fatalf("decoded %v", words)
	}
	want := WordDuration("hello") + 80*time.Millisecond + WordDuration("there") + 80*time.Millisecond + WordDuration("café")
	if got := time.Duration(len(frames)) * FrameDuration; got != want {
		t.Fatalf("utterance lasts %v, want %v", got, want)
	}
}

func TestRealAudioIsNotMarked(t *testing.T) {
	for _, f := range [][]byte{make([]byte, FrameBytes), Silence(FrameDuration)[0], nil, {0x0F, 0x7A}} {
		if Decode(f).Kind != KindNone {
			t.Errorf("%x decoded as marked", f)
		}
	}
	n := Noise(100 * time.Millisecond)
	if len(n) != 5 || Decode(n[0]).Kind != KindNoise || IsSilence(n[0]) {
		t.Fatal("noise frames")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Speak(Utterance{Words: []string{"x"}})[0])
	f.Fuzz(func(t *testing.T, b []byte) { _ = Decode(b) })
}

// A beep is real audio that decodes as nothing marked, and a tone
// detector finds it.
func TestBeep(t *testing.T) {
	frames := Beep(300*time.Millisecond, 1000)
	d, err := codecs.NewToneDetector(8000, FrameDuration, 150*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range frames {
		if Decode(f).Kind != KindNone {
			t.Fatal("a beep frame decodes as marked")
		}
		found = found || d.Process(codecs.DecodeUlaw(nil, f))
	}
	if !found {
		t.Fatal("the beep is not a tone")
	}
}
