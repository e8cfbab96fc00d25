package deepgramfake

import (
	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
)

// net0001 is Deepgram's reason for closing an idle connection.
const net0001 = "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001"

// conn is one websocket with its session record and request id.
type conn struct {
	*sttfake.Conn
	srv *Server
	rec *Session
	id  string
}

func newConn(s *Server, ws *websocket.Conn, rec *Session, id string, f fault.Fault) *conn {
	t := sttfake.Timing{
		Clock: s.cfg.Clock, Delay: s.cfg.Delay,
		IdleTimeout: s.cfg.IdleTimeout, IdleCode: websocket.CloseInternalServerErr, IdleReason: net0001,
	}
	return &conn{Conn: sttfake.NewConn(t, ws, f), srv: s, rec: rec, id: id}
}

// record updates the connection's session record.
func (c *conn) record(f func(*Session)) { c.srv.update(c.rec, f) }
