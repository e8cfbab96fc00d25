package telephonytest

import (
	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/events"
)

// Frame is a raw websocket message.
type Frame struct {
	Type int
	Data []byte
}

// Text is a text frame.
func Text(s string) Frame { return Frame{websocket.TextMessage, []byte(s)} }

// Binary is a binary frame.
func Binary(b []byte) Frame { return Frame{websocket.BinaryMessage, b} }

// SendMalformed sends a bad frame once the caller heard the Greeting: the
// call ends as malformed and the stream closes.
func (h *Harness) SendMalformed(c Call, f Frame) {
	h.T.Helper()
	WaitHeard(h.T, c.Phone, Greeting)
	_ = c.SendRaw(f.Type, f.Data)
	h.EndedBy(c, events.EndMalformed)
	<-c.Done()
}
