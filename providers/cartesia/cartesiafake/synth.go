package cartesiafake

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

// span is a word's place in a generation's audio.
type span struct {
	word       string
	start, end time.Duration
}

// synth renders a generation's words in f: fakespeech for μ-law at 8 kHz,
// so a test caller can decode the words; otherwise a tone per word, with
// the same timing, encoded as f says. A generation following another
// starts with a gap.
func synth(words []string, f voice.Format, lead bool) ([]byte, []span) {
	var spans []span
	var at time.Duration
	var audio []byte
	var pcm []int16
	for i, w := range words {
		if i > 0 || lead {
			if f == voice.Telephony {
				for _, fr := range fakespeech.Silence(gap) {
					audio = append(audio, fr...)
				}
			} else {
				pcm = append(pcm, make([]int16, f.Bytes(gap)/f.BytesPerSample())...)
			}
			at += gap
		}
		d := fakespeech.WordDuration(w)
		spans = append(spans, span{w, at, at + d})
		at += d
		if f == voice.Telephony {
			for _, fr := range fakespeech.Speak(fakespeech.Utterance{Words: []string{w}}) {
				audio = append(audio, fr...)
			}
			continue
		}
		pcm = appendTone(pcm, w, f.SampleRate, d)
	}
	switch {
	case f == voice.Telephony:
	case f.Encoding == voice.ULaw:
		audio = codecs.EncodeUlaw(nil, pcm)
	case f.Encoding == voice.ALaw:
		audio = codecs.EncodeAlaw(nil, pcm)
	default:
		audio = codecs.EncodePCM16LE(nil, pcm)
	}
	return audio, spans
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
