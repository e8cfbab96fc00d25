package sttfake

import (
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
)

// FrameDuration is the fakes' unit of audio time.
const FrameDuration = 20 * time.Millisecond

// Heard is what one 20 ms frame carries.
type Heard struct {
	Kind fakespeech.Kind // KindNone for silence or unmarked audio
	Word string
	Conf float64
	Loud bool // not silence: unmarked loud audio counts as noise
}

// Framer cuts a byte stream into 20 ms frames, whatever the message
// boundaries, so audio time is bytes received, not messages.
type Framer struct {
	enc     voice.Encoding
	size    int // bytes per frame
	pending []byte
	bytes   int64 // total received
}

// NewFramer returns a framer for raw audio in enc at rate samples a second.
func NewFramer(enc voice.Encoding, rate int) *Framer {
	bps := 1
	if enc == voice.PCM16 {
		bps = 2
	}
	return &Framer{enc: enc, size: max(rate/50*bps, 1)}
}

// Feed adds audio and calls each for every complete frame.
func (f *Framer) Feed(b []byte, each func(Heard)) {
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

// Duration is the audio received so far, in whole frames.
func (f *Framer) Duration() time.Duration {
	return time.Duration(f.bytes/int64(f.size)) * FrameDuration
}

func (f *Framer) classify(frame []byte) Heard {
	d := fakespeech.Decode(frame)
	if d.Kind != fakespeech.KindNone {
		return Heard{Kind: d.Kind, Word: d.Word, Conf: d.Confidence, Loud: true}
	}
	return Heard{Loud: !f.silent(frame)}
}

// silent reports digital silence, or near it for linear PCM.
func (f *Framer) silent(frame []byte) bool {
	switch f.enc {
	case voice.ULaw:
		return fakespeech.IsSilence(frame)
	case voice.ALaw:
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
