package ttstest

import (
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
)

// SpokenWords decodes fakespeech words from μ-law audio.
func SpokenWords(audio []byte) []string {
	var out []string
	for i := 0; i+fakespeech.FrameBytes <= len(audio); i += fakespeech.FrameBytes {
		if f := fakespeech.Decode(audio[i : i+fakespeech.FrameBytes]); f.Kind == fakespeech.KindWord {
			out = append(out, f.Word)
		}
	}
	return out
}

// ExpectedWords is the timing the fakes give words spoken in a row.
func ExpectedWords(words ...string) []voice.Word {
	var out []voice.Word
	var at time.Duration
	for i, w := range words {
		if i > 0 {
			at += 80 * time.Millisecond
		}
		d := fakespeech.WordDuration(w)
		out = append(out, voice.Word{Text: w, Start: at, End: at + d})
		at += d
	}
	return out
}
