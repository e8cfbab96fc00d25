package aurafake

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

// synth renders a generation's words in f: fakespeech for μ-law at 8 kHz,
// so a test caller can decode the words; otherwise a tone per word, with
// the same timing, encoded as f says. A generation following another
// starts with a gap.
func synth(words []string, f voice.Format, lead bool) []byte {
	if f == voice.Telephony {
		var audio []byte
		for i, w := range words {
			if i > 0 || lead {
				for _, fr := range fakespeech.Silence(gap) {
					audio = append(audio, fr...)
				}
			}
			for _, fr := range fakespeech.Speak(fakespeech.Utterance{Words: []string{w}}) {
				audio = append(audio, fr...)
			}
		}
		return audio
	}
	var pcm []int16
	for i, w := range words {
		if i > 0 || lead {
			pcm = append(pcm, make([]int16, f.Bytes(gap)/f.BytesPerSample())...)
		}
		pcm = appendTone(pcm, w, f.SampleRate, fakespeech.WordDuration(w))
	}
	switch f.Encoding {
	case voice.ULaw:
		return codecs.EncodeUlaw(nil, pcm)
	case voice.ALaw:
		return codecs.EncodeAlaw(nil, pcm)
	}
	return codecs.EncodePCM16LE(nil, pcm)
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
