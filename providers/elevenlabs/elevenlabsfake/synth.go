package elevenlabsfake

import (
	"hash/fnv"
	"math"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
)

// gap is the silence between words, fakespeech's default.
const gap = 80 * time.Millisecond

// char is one character's timing in a generation.
type char struct {
	c          string
	start, dur time.Duration
}

// synth renders one generation's words in f, with a leading gap (timed as
// a space) when it follows another generation. μ-law at 8 kHz is
// fakespeech, so a test caller can decode the words; PCM is a tone per
// word with the same timing.
func synth(words []string, f voice.Format, lead bool) ([]byte, []char) {
	var audio []byte
	var pcm []int16
	var chars []char
	var at time.Duration
	for i, w := range words {
		if i > 0 || lead {
			chars = append(chars, char{" ", at, gap})
			at += gap
			if f == voice.Telephony {
				for _, fr := range fakespeech.Silence(gap) {
					audio = append(audio, fr...)
				}
			} else {
				pcm = append(pcm, make([]int16, f.Bytes(gap)/2)...)
			}
		}
		d := fakespeech.WordDuration(w)
		// characters share the word's time in whole milliseconds, as the
		// service reports them
		runes := []rune(w)
		n, ms := len(runes), int(d/time.Millisecond)
		for j, r := range runes {
			s, e := ms*j/n, ms*(j+1)/n
			chars = append(chars, char{string(r), at + time.Duration(s)*time.Millisecond, time.Duration(e-s) * time.Millisecond})
		}
		at += d
		if f == voice.Telephony {
			for _, fr := range fakespeech.Speak(fakespeech.Utterance{Words: []string{w}}) {
				audio = append(audio, fr...)
			}
			continue
		}
		pcm = appendTone(pcm, w, f.SampleRate, d)
	}
	if f != voice.Telephony {
		audio = codecs.EncodePCM16LE(nil, pcm)
	}
	return audio, chars
}

// appendTone renders d of word: a sine at a pitch derived from the word,
// with 5 ms fades, at about -12 dBFS.
func appendTone(pcm []int16, word string, rate int, d time.Duration) []int16 {
	h := fnv.New32a()
	h.Write([]byte(word))
	freq := 200 + float64(h.Sum32()%16)*50
	n := int(int64(rate) * int64(d) / int64(time.Second))
	fade := rate / 200
	for i := range n {
		a := 8000.0
		if k := min(i, n-1-i); k < fade {
			a *= float64(k) / float64(fade)
		}
		pcm = append(pcm, int16(a*math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
	}
	return pcm
}
