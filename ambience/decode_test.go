package ambience

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
)

func TestDecodeAccepts(t *testing.T) {
	stereo := func(n, rate int) []int16 {
		return codecs.Interleave(nil, tone(n, rate, 300, 8000), tone(n, rate, 300, 4000))
	}
	cases := []struct {
		name     string
		data     []byte
		format   string
		rate, ch int
		duration time.Duration
	}{
		{"wav pcm16 44.1k stereo", wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: 44100, Channels: 2}, stereo(44100, 44100)), "wav", 44100, 2, time.Second},
		{"wav ulaw 8k mono", wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingUlaw, SampleRate: 8000, Channels: 1}, tone(4000, 8000, 300, 8000)), "wav", 8000, 1, 500 * time.Millisecond},
		{"wav alaw 48k 4 channels", wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingAlaw, SampleRate: 48000, Channels: 4}, make([]int16, 4*48000*2)), "wav", 48000, 4, 2 * time.Second},
		{"mp3 44.1k stereo", mp3File(t, 44100, 2, stereo(44100, 44100)), "mp3", 44100, 2, time.Second},
		{"mp3 16k mono", mp3File(t, 16000, 1, tone(16000, 16000, 300, 8000)), "mp3", 16000, 1, time.Second},
	}
	for _, c := range cases {
		s, err := Decode(c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		i := s.Info()
		if i.Format != c.format || i.SampleRate != c.rate || i.Channels != c.ch || i.Size != len(c.data) {
			t.Errorf("%s: info %+v", c.name, i)
		}
		// MP3 adds the encoder's delay and padding (go-mp3 is not gapless).
		slack := time.Duration(0)
		if c.format == "mp3" {
			slack = 150 * time.Millisecond
		}
		if i.Duration < c.duration || i.Duration > c.duration+slack {
			t.Errorf("%s: lasts %v, want %v", c.name, i.Duration, c.duration)
		}
	}
	// Stereo becomes the average of the channels: (8000+4000)/2.
	s, _ := Decode(cases[0].data)
	if a := amplitude(s.pcm, 44100, 300); math.Abs(a-6000) > 10 {
		t.Errorf("downmix amplitude %.0f, want 6000", a)
	}
	s, _ = Decode(cases[3].data)
	if a := amplitude(s.pcm[3000:40000], 44100, 300); math.Abs(db(a/6000)) > 0.5 {
		t.Errorf("MP3 downmix amplitude %.0f, want about 6000", a)
	}
}

func TestDecodeRejects(t *testing.T) {
	pcm16 := func(rate, ch int, d time.Duration) []byte {
		n := int(d.Seconds()*float64(rate)) * ch
		return wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: rate, Channels: ch}, make([]int16, n))
	}
	valid := pcm16(8000, 1, time.Second)
	cases := []struct {
		name string
		data []byte
		want error
		says string
	}{
		{"too large", append(bytes.Clone(valid), make([]byte, MaxBytes)...), ErrTooLarge, "at most 10485760"},
		{"empty", nil, ErrFormat, "WAV or MP3"},
		{"text", []byte("hello, this is not a sound"), ErrFormat, "WAV or MP3"},
		{"ogg", []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"), ErrFormat, "WAV or MP3"},
		{"truncated WAV header", valid[:30], ErrDecode, "WAV"},
		{"WAV 24-bit", wav24(t), ErrDecode, "unsupported audio format"},
		{"WAV at 11025 Hz", pcm16(11025, 1, time.Second), ErrUnsupported, "11025 Hz"},
		{"too short", pcm16(16000, 1, 200*time.Millisecond), ErrDuration, "200ms"},
		{"too long", wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingUlaw, SampleRate: 8000, Channels: 1}, make([]int16, 8000*610)), ErrDuration, "10m10s"},
		{"MP3 at 8 kHz (MPEG-2.5)", mp3File(t, 8000, 1, tone(8000, 8000, 300, 8000)), ErrDecode, "2.5"},
		{"MP3 at 32 kHz", mp3File(t, 32000, 1, tone(32000, 32000, 300, 8000)), ErrUnsupported, "32000 Hz"},
		{"MP3 sync then garbage", append([]byte{0xFF, 0xFB, 0x90, 0x00}, bytes.Repeat([]byte{0x55}, 500)...), ErrDecode, "MP3"},
	}
	for _, c := range cases {
		_, err := Decode(c.data)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %v saying %q", c.name, err, c.want, c.says)
		}
	}
}

// wav24 is a valid 24-bit PCM WAV header and one second of data, a format
// codecs.WAVReader does not read.
func wav24(t *testing.T) []byte {
	b := wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: 8000, Channels: 1}, make([]int16, 8000))
	b[34] = 24 // bits per sample
	return b
}
