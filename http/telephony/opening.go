package telephony

import (
	"context"
	"fmt"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
)

// Opening is how a carrier's media stream opens its call; S is the
// carrier's start.
type Opening[S any] struct {
	// Await reads the carrier's opening messages up to its start.
	Await func(*Stream) (S, error)
	// Admit checks that the stream is the start's call and routes it.
	Admit func(ctx context.Context, s *Stream, start S) (Admission, error)
	// CallID names a start's call in logs; nil when a start names none.
	CallID func(S) string
	// Timeout bounds Admit and the call's start, as a webhook's answer.
	Timeout time.Duration
}

// Admission is an admitted call: its spec, the carrier's side of it and
// the decoder of the carrier's messages.
type Admission struct {
	Spec    call.Spec
	Wire    Wire
	Decoder Decoder
}

// RunStream runs a carrier's media websocket from its upgrade to the end
// of its call; a stream that does not open a call is logged and closed.
func RunStream[S any](d Deps, conn *websocket.Conn, cfg StreamConfig, o Opening[S]) {
	s := d.Hub.Accept(conn, cfg)
	if s == nil {
		return
	}
	defer s.Release()
	start, err := o.Await(s)
	if err != nil {
		s.Log().Warn("media stream did not start", "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	a, err := o.Admit(ctx, s, start)
	if err != nil {
		if o.CallID != nil {
			s.Log().Warn("media stream refused", "call_sid", o.CallID(start), "err", err)
		} else {
			s.Log().Warn("media stream refused", "err", err)
		}
		return
	}
	s.Run(ctx, d.Calls, a.Spec, a.Wire, a.Decoder)
}

// startFrames bounds the messages read before a stream's start.
const startFrames = 4

// AwaitStart reads a carrier's opening JSON messages until start finds
// the start message (done) or fails; refused is the error of a stream
// with no start.
func AwaitStart[S any](s *Stream, refused error, start func(sc *Scanner, msg []byte) (st S, done bool, err error)) (S, error) {
	var sc Scanner
	var none S
	for range startFrames {
		mt, msg, err := s.Read(0)
		if err != nil {
			return none, err
		}
		if mt != websocket.TextMessage {
			return none, fmt.Errorf("%w: binary message", ErrMalformed)
		}
		st, done, err := start(&sc, msg)
		if err != nil || done {
			return st, err
		}
	}
	return none, fmt.Errorf("%w: no start", refused)
}
