package codecs

import "fmt"

// Encoding is how samples are stored: in a WAV file, or on a carrier stream.
type Encoding int

const (
	// EncodingUnknown is the zero value.
	EncodingUnknown Encoding = iota
	// EncodingPCM16 is 16-bit linear PCM (little-endian in WAV).
	EncodingPCM16
	// EncodingUlaw is G.711 μ-law, one byte per sample.
	EncodingUlaw
	// EncodingAlaw is G.711 A-law, one byte per sample.
	EncodingAlaw
)

func (e Encoding) String() string {
	switch e {
	case EncodingPCM16:
		return "pcm16"
	case EncodingUlaw:
		return "ulaw"
	case EncodingAlaw:
		return "alaw"
	}
	return "unknown"
}

// bytesPerSample is 2 for PCM16, 1 for G.711 and 0 for unknown encodings.
func (e Encoding) bytesPerSample() int {
	switch e {
	case EncodingPCM16:
		return 2
	case EncodingUlaw, EncodingAlaw:
		return 1
	}
	return 0
}

// encode appends pcm to dst in encoding e.
func (e Encoding) encode(dst []byte, pcm []int16) []byte {
	switch e {
	case EncodingUlaw:
		return EncodeUlaw(dst, pcm)
	case EncodingAlaw:
		return EncodeAlaw(dst, pcm)
	}
	return EncodePCM16LE(dst, pcm)
}

// decode appends the samples in b (whole samples only) to dst.
func (e Encoding) decode(dst []int16, b []byte) []int16 {
	switch e {
	case EncodingUlaw:
		return DecodeUlaw(dst, b)
	case EncodingAlaw:
		return DecodeAlaw(dst, b)
	}
	dst, _ = DecodePCM16LE(dst, b)
	return dst
}

// WAVFormat describes the sample data of a WAV file. Multi-channel samples
// are interleaved.
type WAVFormat struct {
	Encoding   Encoding
	SampleRate int
	Channels   int
}

// WAV format tags (mmreg.h) and the RIFF size limit.
const (
	wavTagPCM        = 0x0001
	wavTagAlaw       = 0x0006
	wavTagUlaw       = 0x0007
	wavTagExtensible = 0xFFFE

	maxWAVChannels = 16
	maxWAVRate     = 1 << 20

	// riffUnknownSize marks a RIFF or data size that a streaming writer could
	// not know: the data runs to the end of the stream.
	riffUnknownSize = 0xFFFFFFFF
)

var wavTags = map[Encoding]uint16{EncodingPCM16: wavTagPCM, EncodingUlaw: wavTagUlaw, EncodingAlaw: wavTagAlaw}

func (f WAVFormat) blockAlign() int { return f.Channels * f.Encoding.bytesPerSample() }

func (f WAVFormat) validate() error {
	if f.Encoding.bytesPerSample() == 0 || f.Channels < 1 || f.Channels > maxWAVChannels || f.SampleRate < 1 || f.SampleRate > maxWAVRate {
		return fmt.Errorf("%w: WAV %s, %d Hz, %d channels", ErrUnsupportedFormat, f.Encoding, f.SampleRate, f.Channels)
	}
	return nil
}

// fmtChunk returns the fmt chunk body: 16 bytes for PCM, and for the G.711
// formats 18 (with a zero cbSize), as the WAVE spec asks of non-PCM data.
func (f WAVFormat) fmtChunk() []byte {
	b := make([]byte, 0, 18)
	b = le16(b, wavTags[f.Encoding])
	b = le16(b, uint16(f.Channels))
	b = le32(b, uint32(f.SampleRate))
	b = le32(b, uint32(f.SampleRate*f.blockAlign()))
	b = le16(b, uint16(f.blockAlign()))
	b = le16(b, uint16(8*f.Encoding.bytesPerSample()))
	if f.Encoding != EncodingPCM16 {
		b = le16(b, 0)
	}
	return b
}

func le16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
func le32(b []byte, v uint32) []byte { return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }

// knownEncoding maps a format tag to an Encoding.
func knownEncoding(tag uint16) (Encoding, bool) {
	for e, t := range wavTags {
		if t == tag {
			return e, true
		}
	}
	return EncodingUnknown, false
}
