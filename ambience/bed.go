package ambience

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// Bed is one call's background sound: a position in a shared Sound, the
// volume and the carrier's format. Next and Mix advance the same position,
// so the ambience runs on continuously whether the assistant is speaking
// or not. A Bed is not safe for concurrent use; it belongs to the call's
// actor.
type Bed struct {
	pcm    []int16 // the sound at the carrier's rate, shared read-only
	pos    int
	loop   bool
	volume float64
	format voice.Format
	frame  int     // samples in 20 ms
	amb    []int16 // scratch: the ambience for one frame
	speech []int16 // scratch: the decoded voice frame
}

// NewBed starts s from its beginning for a call whose carrier speaks f.
// volume is a linear gain from 0 to 1; with loop false the ambience ends
// after one play. The sound is resampled to f's rate on the first Bed at
// that rate and the result shared.
func NewBed(s *Sound, volume float64, loop bool, f voice.Format) (*Bed, error) {
	if math.IsNaN(volume) || volume < 0 || volume > 1 {
		return nil, fmt.Errorf("%w: volume %v (must be 0 to 1)", ErrConfig, volume)
	}
	if f.Encoding != voice.ULaw && f.Encoding != voice.ALaw && f.Encoding != voice.PCM16 {
		return nil, fmt.Errorf("%w: carrier format %s", ErrConfig, f)
	}
	pcm, err := s.at(f.SampleRate)
	if err != nil {
		return nil, err
	}
	n := codecs.FrameSamples(f.SampleRate)
	return &Bed{pcm: pcm, loop: loop, volume: volume, format: f, frame: n,
		amb: make([]int16, n), speech: make([]int16, 0, n)}, nil
}

// Ended reports whether a Bed that does not loop has played its sound.
func (b *Bed) Ended() bool { return !b.loop && b.pos >= len(b.pcm) }

// Next appends the next 20 ms of ambience alone, in the carrier's format,
// to dst: what the caller hears between replies. After a non-looping sound
// ended it appends silence.
func (b *Bed) Next(dst []byte) []byte {
	amb := b.take(b.frame)
	codecs.ApplyGain(amb, b.volume)
	return b.encode(dst, amb)
}

// Mix mixes the next stretch of ambience, as long as frame, under frame
// (the assistant's voice in the carrier's format, whole samples) in place
// and returns it. The sum goes through codecs.MixInto's soft limiter. Once
// a non-looping sound has ended, frames pass unchanged.
func (b *Bed) Mix(frame []byte) []byte {
	if b.Ended() {
		return frame
	}
	if pcm, ok := pcm16View(b.format, frame); ok {
		codecs.MixInto(pcm, b.take(len(pcm)), b.volume)
		return frame
	}
	b.speech = b.decode(b.speech[:0], frame)
	codecs.MixInto(b.speech, b.take(len(b.speech)), b.volume)
	return b.encode(frame[:0], b.speech)
}

// take returns the next n samples of the sound (wrapping when looping,
// silence past the end otherwise) and advances.
func (b *Bed) take(n int) []int16 {
	if cap(b.amb) < n {
		b.amb = make([]int16, n)
	}
	out := b.amb[:n]
	for i := 0; i < n; {
		if b.pos >= len(b.pcm) {
			if !b.loop {
				clear(out[i:])
				break
			}
			b.pos = 0
		}
		c := copy(out[i:], b.pcm[b.pos:])
		i += c
		b.pos += c
	}
	return out
}

func (b *Bed) decode(dst []int16, frame []byte) []int16 {
	switch b.format.Encoding {
	case voice.ULaw:
		return codecs.DecodeUlaw(dst, frame)
	case voice.ALaw:
		return codecs.DecodeAlaw(dst, frame)
	}
	dst, _ = codecs.DecodePCM16LE(dst, frame[:len(frame)&^1])
	return dst
}

func (b *Bed) encode(dst []byte, pcm []int16) []byte {
	switch {
	case b.format.Encoding == voice.ULaw:
		return codecs.EncodeUlaw(dst, pcm)
	case b.format.Encoding == voice.ALaw:
		return codecs.EncodeAlaw(dst, pcm)
	case littleEndian && len(pcm) > 0:
		return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(&pcm[0])), 2*len(pcm))...)
	}
	return codecs.EncodePCM16LE(dst, pcm)
}

// littleEndian reports whether int16 samples in memory have the layout of
// the carriers' little-endian PCM16.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// pcm16View returns a PCM16 frame's samples in place, without decoding,
// where the host's layout allows it (encode likewise appends the samples'
// bytes as they are): codecs' PCM16 conversions cost about 2.5 ns a sample
// each way (their loop goes through the binary.ByteOrder interface), which
// was three quarters of Mix at 16 kHz.
func pcm16View(f voice.Format, frame []byte) ([]int16, bool) {
	if f.Encoding != voice.PCM16 || !littleEndian || len(frame) < 2 || uintptr(unsafe.Pointer(&frame[0]))%2 != 0 {
		return nil, false
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&frame[0])), len(frame)/2), true
}
