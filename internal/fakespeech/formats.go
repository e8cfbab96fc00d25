package fakespeech

import (
	"fmt"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// Widen converts μ-law 8 kHz audio to f, losslessly reversible by Narrow:
// PCM16 at a multiple of 8 kHz repeats each decoded sample. It is how a
// test "speaks" fakespeech on a PCM16 line; it is not a resampler.
func Widen(ulaw []byte, f voice.Format) []byte {
	switch {
	case f.Encoding == voice.ULaw && f.SampleRate == 8000:
		return ulaw
	case f.Encoding == voice.PCM16 && f.SampleRate%8000 == 0 && f.SampleRate > 0:
		k := f.SampleRate / 8000
		pcm := codecs.DecodeUlaw(nil, ulaw)
		wide := make([]int16, 0, len(pcm)*k)
		for _, v := range pcm {
			for range k {
				wide = append(wide, v)
			}
		}
		return codecs.EncodePCM16LE(nil, wide)
	}
	panic(fmt.Sprintf("fakespeech: no lossless path from μ-law/8000 to %v", f))
}

// Narrow converts audio in f back to μ-law 8 kHz (the inverse of Widen;
// other audio is decimated without filtering, which is all a fakespeech
// decoder needs).
func Narrow(audio []byte, f voice.Format) []byte {
	switch {
	case f.Encoding == voice.ULaw && f.SampleRate == 8000:
		return audio
	case f.Encoding == voice.PCM16 && f.SampleRate%8000 == 0 && f.SampleRate > 0:
		k := f.SampleRate / 8000
		pcm, _ := codecs.DecodePCM16LE(nil, audio[:len(audio)&^1])
		narrow := make([]int16, 0, len(pcm)/k)
		for i := 0; i < len(pcm); i += k {
			narrow = append(narrow, pcm[i])
		}
		return codecs.EncodeUlaw(nil, narrow)
	}
	panic(fmt.Sprintf("fakespeech: no path from %v to μ-law/8000", f))
}
