package carriertest

import (
	"context"
	"net/http"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

// Wire is a carrier's media dialect, the carrier's side, for one stream.
type Wire interface {
	phone.Wire
	// Open encodes the messages that start the stream, in order.
	Open() []func() (int, []byte)
	// DTMF encodes a key the caller pressed.
	DTMF(digit string) (int, []byte)
	// Stop encodes the message sent when the carrier ends the stream
	// itself; nil when it just closes the socket.
	Stop() func() (int, []byte)
}

// Stream is how a carrier opens a call's media websocket.
type Stream struct {
	// Upgrade opens the websocket the engine asked for.
	Upgrade func(ctx context.Context) (*websocket.Conn, *http.Response, error)
	// Wire speaks the stream's dialect; it is made once the socket is open.
	Wire func() Wire
	// Pace is the caller's frame interval.
	Pace time.Duration
	// Fail ends the call as the carrier does when a stream cannot start.
	Fail func(error)
	// Started, if set, runs once the stream started and the call is
	// answered (a status callback, an outbound call delivered).
	Started func()
}

// Stream runs a media websocket until the engine closes it, the call
// ends or the carrier interrupts it.
func (l *Line) Stream(st Stream) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ws, resp, err := st.Upgrade(ctx)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		st.Fail(err)
		return
	}
	w := st.Wire()
	s := &stream{sock: phone.NewSocket(ws, w, l.Phone), wire: w, cancel: cancel}
	l.mu.Lock()
	if l.Over() {
		l.mu.Unlock()
		ws.Close()
		return
	}
	l.cur = s
	l.streams++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		if l.cur == s {
			l.cur = nil
		}
		l.mu.Unlock()
	}()
	for _, open := range w.Open() {
		if err := s.sock.Send(open); err != nil {
			st.Fail(err)
			ws.Close()
			return
		}
	}
	l.Answer()
	if st.Started != nil {
		st.Started()
	}
	s.sock.Serve(ctx, st.Pace, w.Stop())
	l.mu.Lock()
	l.violations = append(l.violations, s.sock.Violations()...)
	l.mu.Unlock()
}
