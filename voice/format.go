package voice

import (
	"fmt"
	"time"
)

// Encoding is how samples are written on a wire.
type Encoding uint8

// Encodings.
const (
	EncodingUnknown Encoding = iota
	ULaw                     // G.711 μ-law, 8 bits per sample
	ALaw                     // G.711 A-law, 8 bits per sample
	PCM16                    // signed 16-bit little-endian linear PCM
)

func (e Encoding) String() string {
	switch e {
	case ULaw:
		return "mulaw"
	case ALaw:
		return "alaw"
	case PCM16:
		return "pcm16"
	}
	return "unknown"
}

// Format describes a mono audio stream.
type Format struct {
	Encoding   Encoding
	SampleRate int // Hz
}

// Telephony is G.711 μ-law at 8 kHz, what Twilio, Telnyx and Plivo carry.
var Telephony = Format{Encoding: ULaw, SampleRate: 8000}

// FrameDuration is the engine's audio frame: 20 ms, the telephony norm.
const FrameDuration = 20 * time.Millisecond

func (f Format) String() string { return fmt.Sprintf("%s/%d", f.Encoding, f.SampleRate) }

// BytesPerSample is 1 for G.711 and 2 for PCM16.
func (f Format) BytesPerSample() int {
	if f.Encoding == PCM16 {
		return 2
	}
	return 1
}

// Bytes is the size of d of audio.
func (f Format) Bytes(d time.Duration) int {
	return int(int64(f.SampleRate)*int64(d)/int64(time.Second)) * f.BytesPerSample()
}

// Duration is how long n bytes of audio play.
func (f Format) Duration(n int) time.Duration {
	if f.SampleRate == 0 {
		return 0
	}
	samples := int64(n / f.BytesPerSample())
	return time.Duration(samples * int64(time.Second) / int64(f.SampleRate))
}

// FrameBytes is the size of one 20 ms frame.
func (f Format) FrameBytes() int { return f.Bytes(FrameDuration) }

// Silence returns one frame of digital silence in this format.
func (f Format) Silence() []byte {
	b := make([]byte, f.FrameBytes())
	fill := byte(0)
	switch f.Encoding {
	case ULaw:
		fill = 0xFF
	case ALaw:
		fill = 0xD5
	}
	for i := range b {
		b[i] = fill
	}
	return b
}
