package ambience

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	mp3 "github.com/hajimehoshi/go-mp3"

	"github.com/switchboard-voice/switchboard/codecs"
)

// Upload limits.
const (
	MaxBytes    = 10 << 20
	MinDuration = 500 * time.Millisecond
	MaxDuration = 10 * time.Minute
)

// rates are the rates codecs.Resampler converts.
var rates = []int{8000, 16000, 22050, 24000, 44100, 48000}

// Decode validates a WAV or MP3 file and decodes it to a mono Sound.
func Decode(data []byte) (*Sound, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrTooLarge, len(data), MaxBytes)
	}
	switch {
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WAVE":
		return decodeWAV(data)
	case isMP3(data):
		return decodeMP3(data)
	}
	return nil, ErrFormat
}

// isMP3 reports whether data starts with an ID3v2 tag or an MPEG audio
// Layer III frame header.
func isMP3(data []byte) bool {
	if len(data) >= 3 && string(data[:3]) == "ID3" {
		return true
	}
	return len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0 && data[1]&0x06 == 0x02
}

// checkShape validates what a header says before anything is decoded.
func checkShape(rate int, frames int64) error {
	if !slices.Contains(rates, rate) {
		return fmt.Errorf("%w: %d Hz (use one of %v)", ErrUnsupported, rate, rates)
	}
	return checkDuration(time.Duration(frames) * time.Second / time.Duration(rate))
}

func checkDuration(d time.Duration) error {
	if d < MinDuration || d > MaxDuration {
		return fmt.Errorf("%w: %v (must be %v to %v)", ErrDuration, d.Round(time.Millisecond), MinDuration, MaxDuration)
	}
	return nil
}

func decodeWAV(data []byte) (*Sound, error) {
	r, err := codecs.NewWAVReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: WAV: %w", ErrDecode, err)
	}
	f := r.Format()
	if size := r.DataSize(); size >= 0 {
		bytesPerSample := int64(2) // PCM16; G.711 has 1
		if f.Encoding != codecs.EncodingPCM16 {
			bytesPerSample = 1
		}
		if err := checkShape(f.SampleRate, size/(bytesPerSample*int64(f.Channels))); err != nil {
			return nil, err
		}
	} else if !slices.Contains(rates, f.SampleRate) {
		return nil, fmt.Errorf("%w: %d Hz (use one of %v)", ErrUnsupported, f.SampleRate, rates)
	}
	var pcm []int16
	buf := make([]int16, 4096*f.Channels)
	for {
		n, err := r.ReadSamples(buf)
		pcm = downmix(pcm, buf[:n], f.Channels)
		if errors.Is(err, io.EOF) || err == nil && n == 0 {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: WAV: %w", ErrDecode, err)
		}
		// A data chunk of unknown length could run on: stop past the limit.
		if time.Duration(len(pcm))*time.Second/time.Duration(f.SampleRate) > MaxDuration {
			return nil, fmt.Errorf("%w: longer than %v", ErrDuration, MaxDuration)
		}
	}
	if err := checkDuration(time.Duration(len(pcm)) * time.Second / time.Duration(f.SampleRate)); err != nil {
		return nil, err
	}
	return newSound(Info{Format: "wav", SampleRate: f.SampleRate, Channels: f.Channels, Size: len(data)}, f.SampleRate, pcm), nil
}

func decodeMP3(data []byte) (s *Sound, err error) {
	// go-mp3 is pure Go, so malformed input cannot corrupt memory, but
	// like any decoder it may still index out of range: that is a bad file,
	// not a crash of the call engine.
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("%w: MP3: decoder failed: %v", ErrDecode, p)
		}
	}()
	d, err := mp3.NewDecoder(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: MP3: %w", ErrDecode, err)
	}
	rate := d.SampleRate()
	// go-mp3 always yields 16-bit little-endian stereo (mono is doubled).
	if err := checkShape(rate, d.Length()/4); err != nil {
		return nil, err
	}
	raw := make([]byte, 4*4096)
	var stereo []int16
	var pcm []int16
	for {
		n, rerr := io.ReadFull(d, raw)
		n -= n % 4
		stereo, _ = codecs.DecodePCM16LE(stereo[:0], raw[:n])
		pcm = downmix(pcm, stereo, 2)
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("%w: MP3: %w", ErrDecode, rerr)
		}
	}
	if err := checkDuration(time.Duration(len(pcm)) * time.Second / time.Duration(rate)); err != nil {
		return nil, err
	}
	return newSound(Info{Format: "mp3", SampleRate: rate, Channels: mp3Channels(data), Size: len(data)}, rate, pcm), nil
}

// mp3Channels reads the channel mode of the first frame header (after an
// ID3v2 tag): go-mp3 does not report it.
func mp3Channels(data []byte) int {
	if len(data) >= 10 && string(data[:3]) == "ID3" {
		size := int(data[6]&0x7F)<<21 | int(data[7]&0x7F)<<14 | int(data[8]&0x7F)<<7 | int(data[9]&0x7F)
		data = data[min(10+size, len(data)):]
	}
	for i := 0; i+3 < len(data); i++ {
		if data[i] == 0xFF && data[i+1]&0xE0 == 0xE0 {
			if data[i+3]>>6 == 3 {
				return 1
			}
			return 2
		}
	}
	return 2
}

// downmix appends the average of each frame of interleaved samples.
func downmix(dst, src []int16, channels int) []int16 {
	if channels == 1 {
		return append(dst, src...)
	}
	for i := 0; i+channels <= len(src); i += channels {
		var sum int
		for _, s := range src[i : i+channels] {
			sum += int(s)
		}
		dst = append(dst, int16(sum/channels))
	}
	return dst
}
