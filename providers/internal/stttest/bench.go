package stttest

import (
	"testing"
	"time"
)

// Handler is the part of a recognizer a benchmark drives: what
// sttsocket.Recognizer has for messages.
type Handler interface {
	Connect(base, replayEnd time.Duration)
	Handle(data []byte) (ended bool, err error)
}

// BenchHandle measures a client's work per server message: parse, map to
// voice events, emit. msgs are one utterance, handled in turn; each
// utterance moves the connection's base forward so no message is dropped
// as a repeat. Bytes are counted as the first message's.
func BenchHandle(b *testing.B, r Handler, msgs ...[]byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(msgs[0])))
	base, i := time.Duration(0), 0
	for b.Loop() {
		if i%len(msgs) == 0 {
			base += time.Minute
			r.Connect(base, 0)
		}
		if _, err := r.Handle(msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
