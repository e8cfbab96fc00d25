// Package fakespeech encodes words into G.711 μ-law audio so that loopback
// fakes of speech services can "hear" them and test callers can "speak".
//
// A spoken word is a run of 20 ms frames: the first carries a marker, the
// word and its confidence; the rest are marked continuation frames filled
// with speech-level noise, so that energy-based voice detection and timing
// behave as with speech. Words are separated by silence (0xFF). A marker is
// a 6-byte sequence no real caller produces: a fake recognises words exactly,
// with no model and no ambiguity, while the engine between caller and fake
// sees ordinary μ-law audio of realistic length.
//
// The encoding survives only lossless paths (μ-law passed through), which is
// how telephony audio reaches STT and how μ-law TTS reaches the carrier.
package fakespeech

import (
	"bytes"
	"math"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
)

// FrameBytes is one 20 ms μ-law frame at 8 kHz.
const FrameBytes = 160

// FrameDuration is the length of a frame.
const FrameDuration = 20 * time.Millisecond

const silence = 0xFF

var magic = []byte{0x0F, 0x7A, 0x3C, 0xA5, 0x5A, 0xC3}

// Kind of a marked frame.
type Kind byte

// Frame kinds.
const (
	KindNone     Kind = 0   // not a marked frame (silence, or real audio)
	KindWord     Kind = 'W' // first frame of a word
	KindSpeech   Kind = 'S' // continuation of a word
	KindNoise    Kind = 'N' // a non-speech sound (cough, bump): energy, no word
	maxWordBytes      = FrameBytes - 8
)

// Frame is a decoded frame.
type Frame struct {
	Kind       Kind
	Word       string  // for KindWord
	Confidence float64 // for KindWord, 0..1
}

// Utterance describes what to say.
type Utterance struct {
	Words      []string
	Confidence float64       // per word; 0 means 0.99
	WordGap    time.Duration // silence between words; 0 means 80 ms
}

// WordDuration is how long a word lasts: about 70 ms per letter, at least
// 200 ms, like unhurried speech.
func WordDuration(word string) time.Duration {
	return max(200*time.Millisecond, time.Duration(len(word))*70*time.Millisecond).Round(FrameDuration)
}

// Speak renders an utterance as 20 ms frames, without leading or trailing
// silence.
func Speak(u Utterance) [][]byte {
	conf := u.Confidence
	if conf == 0 {
		conf = 0.99
	}
	gap := u.WordGap
	if gap == 0 {
		gap = 80 * time.Millisecond
	}
	var out [][]byte
	for i, w := range u.Words {
		if i > 0 {
			out = append(out, Silence(gap)...)
		}
		n := int(WordDuration(w) / FrameDuration)
		out = append(out, wordFrame(w, conf))
		for range n - 1 {
			out = append(out, markedFrame(KindSpeech))
		}
	}
	return out
}

// Words splits text into the words Speak takes.
func Words(text string) []string { return strings.Fields(text) }

// Noise renders a non-speech sound of duration d.
func Noise(d time.Duration) [][]byte {
	var out [][]byte
	for range int(d / FrameDuration) {
		out = append(out, markedFrame(KindNoise))
	}
	return out
}

// Beep renders d of a pure tone at hz, as an answering machine plays
// after its greeting: real audio, not marked, so only tone detection finds
// it.
func Beep(d time.Duration, hz float64) [][]byte {
	n := int(d / FrameDuration)
	pcm := make([]int16, n*FrameBytes)
	for i := range pcm {
		pcm[i] = int16(6000 * math.Sin(2*math.Pi*hz*float64(i)/8000))
	}
	ulaw := codecs.EncodeUlaw(nil, pcm)
	out := make([][]byte, n)
	for i := range out {
		out[i] = ulaw[i*FrameBytes : (i+1)*FrameBytes]
	}
	return out
}

// Silence renders d of silence.
func Silence(d time.Duration) [][]byte {
	var out [][]byte
	for range int(d / FrameDuration) {
		out = append(out, bytes.Repeat([]byte{silence}, FrameBytes))
	}
	return out
}

func wordFrame(w string, conf float64) []byte {
	if len(w) > maxWordBytes {
		w = w[:maxWordBytes]
	}
	f := markedFrame(KindWord)
	f[7] = byte(conf*100 + 0.5)
	f[8] = byte(len(w))
	copy(f[9:], w)
	return f
}

// markedFrame is a frame of the kind filled with speech-level noise.
func markedFrame(k Kind) []byte {
	f := make([]byte, FrameBytes)
	copy(f, magic)
	f[6] = byte(k)
	// deterministic noise at roughly -20 dBFS: μ-law codes 0x10-0x2F and
	// their positive twins, never the silence codes
	for i := 7; i < FrameBytes; i++ {
		c := byte(0x10 + (i*37)%0x20)
		if i%2 == 1 {
			c |= 0x80
		}
		f[i] = c
	}
	return f
}

// Decode reads a frame; real audio and silence decode as KindNone.
func Decode(frame []byte) Frame {
	if len(frame) < 9 || !bytes.Equal(frame[:len(magic)], magic) {
		return Frame{}
	}
	switch k := Kind(frame[6]); k {
	case KindWord:
		n := int(frame[8])
		if 9+n > len(frame) {
			return Frame{}
		}
		return Frame{Kind: k, Word: string(frame[9 : 9+n]), Confidence: float64(frame[7]) / 100}
	case KindSpeech, KindNoise:
		return Frame{Kind: k}
	}
	return Frame{}
}

// IsSilence reports whether a frame is digital silence.
func IsSilence(frame []byte) bool {
	for _, b := range frame {
		if b != silence && b != 0x7F {
			return false
		}
	}
	return true
}
