package deepgramfake

import (
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
)

// frameDuration is the fake's unit of audio time.
const frameDuration = 20 * time.Millisecond

// heard is what one 20 ms frame carries.
type heard struct {
	kind fakespeech.Kind // KindNone for silence or unmarked audio
	word string
	conf float64
	loud bool // not silence: unmarked loud audio counts as noise
}

// framer cuts a byte stream into 20 ms frames, whatever the message
// boundaries, so audio time is bytes received, not messages.
type framer struct {
	encoding string
	size     int // bytes per frame
	pending  []byte
	bytes    int64 // total received
}

func newFramer(a audioParams) *framer {
	bps := 1
	if a.encoding == "linear16" {
		bps = 2
	}
	return &framer{encoding: a.encoding, size: a.sampleRate / 50 * bps}
}

// feed adds audio and calls f for each complete frame.
func (f *framer) feed(b []byte, each func(heard)) {
	f.bytes += int64(len(b))
	if len(f.pending) > 0 {
		n := min(f.size-len(f.pending), len(b))
		f.pending = append(f.pending, b[:n]...)
		b = b[n:]
		if len(f.pending) < f.size {
			return
		}
		each(f.classify(f.pending))
		f.pending = f.pending[:0]
	}
	for len(b) >= f.size {
		each(f.classify(b[:f.size]))
		b = b[f.size:]
	}
	f.pending = append(f.pending, b...)
}

// duration is the audio received so far.
func (f *framer) duration() time.Duration {
	return time.Duration(f.bytes/int64(f.size)) * frameDuration
}

func (f *framer) classify(frame []byte) heard {
	d := fakespeech.Decode(frame)
	if d.Kind != fakespeech.KindNone {
		return heard{kind: d.Kind, word: d.Word, conf: d.Confidence, loud: true}
	}
	return heard{loud: !f.silent(frame)}
}

// silent reports digital silence, or near it for linear PCM.
func (f *framer) silent(frame []byte) bool {
	switch f.encoding {
	case "mulaw":
		return fakespeech.IsSilence(frame)
	case "alaw":
		for _, b := range frame {
			if b != 0xD5 && b != 0x55 {
				return false
			}
		}
		return true
	}
	for i := 0; i+1 < len(frame); i += 2 {
		if s := int16(uint16(frame[i]) | uint16(frame[i+1])<<8); s > 64 || s < -64 {
			return false
		}
	}
	return true
}
