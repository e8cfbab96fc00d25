package elevenlabs

import "github.com/switchboard-voice/switchboard/voice"

// holdback keeps the last sample of an utterance's audio back, with the
// words not yet sent. The engine ignores a TTSAudio without audio, so words
// known only after their audio has gone out (a timestamps message, a word
// completed at the end of the utterance) ride out on that sample with the
// next audio, or at the end. Holding one sample delays nothing audible.
type holdback struct {
	size  int // bytes per sample of the output
	held  [2]byte
	n     int
	words []voice.Word
}

// audio returns an event for src, converted by conv, with the words known
// so far; nil if there is not yet more than a sample to send.
func (h *holdback) audio(conv *converter, src []byte, words []voice.Word) *voice.TTSAudio {
	h.words = append(h.words, words...)
	buf := conv.convert(append(make([]byte, 0, h.n+len(src)+8), h.held[:h.n]...), src)
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

// end returns an event for everything held, and what conv still holds, at
// the end of the utterance; nil if there is nothing.
func (h *holdback) end(conv *converter, words []voice.Word) *voice.TTSAudio {
	h.words = append(h.words, words...)
	buf := conv.flush(append([]byte(nil), h.held[:h.n]...))
	h.n = 0
	if len(buf) == 0 {
		return nil // no audio at all: no words either
	}
	e := &voice.TTSAudio{Audio: buf, Words: h.words}
	h.words = nil
	return e
}
