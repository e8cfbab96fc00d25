package deepgram

import (
	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// recognizer is the v1 or Flux side of a stream.
type recognizer interface {
	sttsocket.Recognizer
	// finalizeMessage is the control message behind STTStream.Finalize.
	finalizeMessage() []byte
	// keepsAlive reports whether idle connections need KeepAlive messages.
	keepsAlive() bool
}

var (
	closeStream = []byte(`{"type":"CloseStream"}`)
	keepAlive   = []byte(`{"type":"KeepAlive"}`)
)

// protocol frames a recognizer's stream: audio as binary messages, the
// controls as JSON text, nothing to send before the audio (the settings
// are in the URL).
type protocol struct{ recognizer }

func (protocol) Start(*websocket.Conn) error  { return nil }
func (protocol) Audio(b []byte) (int, []byte) { return websocket.BinaryMessage, b }
func (p protocol) Finalize() (int, []byte)    { return websocket.TextMessage, p.finalizeMessage() }
func (protocol) Close() (int, []byte)         { return websocket.TextMessage, closeStream }
func (p protocol) KeepAlive() []byte {
	if p.keepsAlive() {
		return keepAlive
	}
	return nil
}

// timeline is the stream timeline both recognizers share, with their
// decoder.
type timeline struct {
	sttsocket.Timeline
	dec decoder
}

// words converts service words, dropping timed ones that end inside audio
// already finalized (a replay repeating them). It reports whether any were
// dropped.
func (t *timeline) words(ws []wireWord) ([]voice.Word, bool) {
	if len(ws) == 0 {
		return nil, false
	}
	out := make([]voice.Word, 0, len(ws))
	for _, w := range ws {
		end := t.At(w.end)
		if w.end > 0 && end <= t.Final {
			continue
		}
		text := w.punctuated
		if text == "" {
			text = w.word
		}
		out = append(out, voice.Word{Text: text, Start: t.At(w.start), End: end, Confidence: w.confidence})
	}
	return out, len(out) < len(ws)
}
