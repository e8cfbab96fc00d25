package audioconv

import "github.com/switchboard-voice/switchboard/voice"

// Holdback keeps the last sample of an utterance's audio back, with the
// words not yet sent. The engine ignores a TTSAudio without audio, so words
// known only after their audio has gone out (a timestamps message, a word
// completed at the end of the utterance) ride out on that sample with the
// next audio, or at the end. Holding one sample delays nothing audible.
type Holdback struct {
	size  int // bytes per sample of the output
	held  [2]byte
	n     int
	words []voice.Word
}

// NewHoldback returns a holdback for audio in the output format out.
func NewHoldback(out voice.Format) Holdback {
	return Holdback{size: out.BytesPerSample()}
}

// AddWords keeps words to go out with the next audio: they follow the
// audio they time.
func (h *Holdback) AddWords(words []voice.Word) {
	h.words = append(h.words, words...)
}

// Audio returns an event for src, converted by conv, with the words known
// so far; nil if there is not yet more than a sample to send.
func (h *Holdback) Audio(conv *Converter, src []byte, words []voice.Word) *voice.TTSAudio {
	h.words = append(h.words, words...)
	buf := conv.Convert(append(make([]byte, 0, h.n+len(src)+8), h.held[:h.n]...), src)
	if len(buf) <= h.size {
		h.n = copy(h.held[:], buf)
		return nil
	}
	cut := len(buf) - h.size
	h.n = copy(h.held[:], buf[cut:])
	e := &voice.TTSAudio{Audio: buf[:cut:cut], Words: h.words}
	h.words = nil
	return e
}

// End returns an event for everything held, and what conv still holds, at
// the end of the utterance; nil if there is nothing.
func (h *Holdback) End(conv *Converter, words []voice.Word) *voice.TTSAudio {
	h.words = append(h.words, words...)
	buf := conv.Flush(append([]byte(nil), h.held[:h.n]...))
	h.n = 0
	if len(buf) == 0 {
		return nil // no audio at all: no words either
	}
	e := &voice.TTSAudio{Audio: buf, Words: h.words}
	h.words = nil
	return e
}
