package ttssocket

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/fasthttp/websocket"
)

// read hands each message to Config.Read until either stops; the buffer is
// reused, so Read must not keep the message.
func (k *Socket[U]) read(ws *websocket.Conn) {
	var buf bytes.Buffer
	for {
		kind, r, err := ws.NextReader()
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			k.fail(k.readError(err))
			return
		}
		if !k.c.Read(kind, buf.Bytes()) {
			return
		}
	}
}

// readError describes why reading stopped; a close frame's code and reason
// are the service's explanation.
func (k *Socket[U]) readError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: closed by the service: %d %s", k.c.ErrConnection, ce.Code, ce.Text)
	}
	return fmt.Errorf("%w: %w", k.c.ErrConnection, err)
}
