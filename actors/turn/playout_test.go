package turn

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// frameCounter is a Port that counts the frames sent; pump uses nothing else.
type frameCounter struct {
	Port
	frames int
}

func (c *frameCounter) SendAudio([]byte) { c.frames++ }
func (c *frameCounter) SendMark(string)  {}

// Paced playout sends the lead at once, then one frame per tick, even when
// every tick comes a little late, as real timers do.
func TestPlayoutSendsOneFramePerLateTick(t *testing.T) {
	tr := newTrack("r1", voice.Telephony)
	tr.add(make([]byte, voice.Telephony.Bytes(2*time.Second)), nil)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tr.start(now)
	p := &frameCounter{}
	next, ok := tr.pump(now, p)
	if lead := int(lead / voice.FrameDuration); !ok || p.frames != lead {
		t.Fatalf("first pump sent %d frames, want the %d of the lead", p.frames, lead)
	}
	for tick := range 50 {
		before := p.frames
		now = next.Add(125 * time.Microsecond)
		if next, ok = tr.pump(now, p); !ok {
			t.Fatalf("tick %d: playout stopped", tick)
		}
		if sent := p.frames - before; sent != 1 {
			t.Fatalf("tick %d, 125 µs late: %d frames sent", tick, sent)
		}
	}
}
