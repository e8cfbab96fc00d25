package phone

import (
	"context"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
)

// Wire is a carrier's media dialect as the carrier speaks it to the
// engine, for test callers. Its encoding methods are called one at a time
// (under the socket's lock), so they may keep sequence numbers.
type Wire interface {
	// Media encodes a 20 ms frame of the caller's audio (μ-law 8 kHz).
	Media(frame []byte) (int, []byte)
	// Played reports that the audio before a mark has played.
	Played(mark string) (int, []byte)
	// Cleared answers a clear: the messages the carrier sends then (Twilio
	// reports the pending marks, Plivo acknowledges), given those marks.
	Cleared(pending []string) [][]byte
	// Parse reads an engine message; an error is a protocol violation.
	Parse(mt int, msg []byte) (Message, error)
}

// Message is what the engine sent.
type Message struct {
	Kind   MessageKind
	Audio  []byte // μ-law 8 kHz (Narrowed by the Wire if need be)
	Name   string // mark
	Digits string
}

// MessageKind sorts engine messages.
type MessageKind uint8

// Message kinds.
const (
	MessageOther MessageKind = iota
	MessageAudio
	MessageMark
	MessageClear
	MessageDTMF
)

// Socket is a carrier media websocket driven by a Phone: it speaks at its
// pace and plays what it receives, marks and clears honoured as Wire says.
type Socket struct {
	ws    *websocket.Conn
	wire  Wire
	phone *Phone

	mu         sync.Mutex // one writer at a time: the pacer and the reader both write
	violations []string
	dtmf       []string
}

// NewSocket drives ws with p in dialect w.
func NewSocket(ws *websocket.Conn, w Wire, p *Phone) *Socket {
	return &Socket{ws: ws, wire: w, phone: p}
}

// Send encodes and sends a message, one at a time; an encoder returning
// nil sends nothing (a Wire holding a frame back to reorder it).
func (s *Socket) Send(encode func() (int, []byte)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	mt, b := encode()
	if b == nil {
		return nil
	}
	_ = s.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.ws.WriteMessage(mt, b)
}

// Drop cuts the connection without a closing handshake, as a network
// failure would.
func (s *Socket) Drop() { _ = s.ws.NetConn().Close() }

// Violations lists the engine messages the carrier would reject.
func (s *Socket) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// DTMF lists the digits the engine sent as DTMF events.
func (s *Socket) DTMF() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.dtmf...)
}

// Serve runs the call's media until the engine closes the socket or ctx
// is done. In the second case the carrier's side ended the stream: bye, if
// set, sends its stop message first. The socket is closed when Serve
// returns; it reports whether the engine closed it.
func (s *Socket) Serve(ctx context.Context, pace time.Duration, bye func() (int, []byte)) bool {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	read := make(chan struct{})
	go func() {
		defer close(read)
		defer cancel()
		s.read()
	}()
	_ = s.phone.Run(ctx, pace,
		func(f []byte) error { return s.Send(func() (int, []byte) { return s.wire.Media(f) }) },
		func(m string) error { return s.Send(func() (int, []byte) { return s.wire.Played(m) }) })
	byEngine := false
	select {
	case <-read:
		byEngine = true
	default:
		if bye != nil {
			_ = s.Send(bye)
		}
		s.mu.Lock()
		_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
			time.Now().Add(time.Second))
		s.mu.Unlock()
	}
	_ = s.ws.Close()
	<-read
	return byEngine
}

func (s *Socket) read() {
	for {
		mt, b, err := s.ws.ReadMessage()
		if err != nil {
			return
		}
		m, err := s.wire.Parse(mt, b)
		if err != nil {
			s.mu.Lock()
			s.violations = append(s.violations, err.Error())
			s.mu.Unlock()
			continue
		}
		switch m.Kind {
		case MessageAudio:
			s.phone.Receive(m.Audio)
		case MessageMark:
			if s.phone.Mark(m.Name) {
				_ = s.Send(func() (int, []byte) { return s.wire.Played(m.Name) })
			}
		case MessageClear:
			pending := s.phone.Clear()
			s.mu.Lock()
			for _, msg := range s.wire.Cleared(pending) {
				_ = s.ws.WriteMessage(websocket.TextMessage, msg)
			}
			s.mu.Unlock()
		case MessageDTMF:
			s.mu.Lock()
			s.dtmf = append(s.dtmf, m.Digits)
			s.mu.Unlock()
		}
	}
}
