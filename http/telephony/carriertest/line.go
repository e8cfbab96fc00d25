package carriertest

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

// ErrNoStream is pressing keys or writing on a call with no live stream.
var ErrNoStream = errors.New("carriertest: no live media stream")

// Line is the caller's side of one call through a fake carrier: the Phone
// that speaks and listens, what the carrier said to it, and the media
// websocket it is on, if any. Fakes embed it in their Call.
type Line struct {
	Phone   *phone.Phone
	Started time.Time

	answered chan struct{}
	done     chan struct{}
	answer   sync.Once
	finish   sync.Once

	mu         sync.Mutex
	said       []string
	streams    int
	cur        *stream // the live media websocket, if any
	violations []string
}

// NewLine is a call just placed.
func NewLine() *Line {
	return &Line{Phone: phone.New(nil), Started: time.Now(), answered: make(chan struct{}), done: make(chan struct{})}
}

// Done is closed when the call is over.
func (l *Line) Done() <-chan struct{} { return l.done }

// Answered is closed once the call was answered (its stream started),
// refused or moved on: what a fake's Dial waits for.
func (l *Line) Answered() <-chan struct{} { return l.answered }

// WaitAnswered waits until the call was answered, refused or moved on,
// or ctx ends: what a fake's Dial returns.
func (l *Line) WaitAnswered(ctx context.Context) error {
	select {
	case <-l.answered:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Said returns what the carrier told the caller (speak, say, talk).
func (l *Line) Said() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.said...)
}

// Streams counts the media websockets the call opened.
func (l *Line) Streams() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.streams
}

// Violations lists what the engine sent that the carrier would reject.
func (l *Line) Violations() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.violations...)
}

// Say makes the caller speak.
func (l *Line) Say(text string) { l.Phone.Say(text) }

// Press sends DTMF digits on the live stream, as the carrier reports them.
func (l *Line) Press(digits string) error {
	s := l.live()
	if s == nil {
		return ErrNoStream
	}
	for _, d := range digits {
		if err := s.sock.Send(func() (int, []byte) { return s.wire.DTMF(string(d)) }); err != nil {
			return err
		}
	}
	return nil
}

// SendRaw writes a raw websocket message on the live stream (tests of
// malformed frames).
func (l *Line) SendRaw(messageType int, data []byte) error {
	s := l.live()
	if s == nil {
		return ErrNoStream
	}
	return s.sock.Send(func() (int, []byte) { return messageType, data })
}

// Drop cuts the live stream's connection, as a network failure would; the
// call itself stays up until the engine hangs it up.
func (l *Line) Drop() {
	if s := l.live(); s != nil {
		s.sock.Drop()
	}
}

// Hear has the carrier say text to the caller.
func (l *Line) Hear(text string) {
	l.mu.Lock()
	l.said = append(l.said, text)
	l.mu.Unlock()
	l.Phone.Hear(text)
}

// Answer releases Dial: the call was answered, refused or moved on.
func (l *Line) Answer() { l.answer.Do(func() { close(l.answered) }) }

// Over reports whether the call ended.
func (l *Line) Over() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// Interrupt stops the live stream, the call going on: the carrier moves
// it elsewhere (a transfer, new instructions).
func (l *Line) Interrupt() {
	if s := l.live(); s != nil {
		s.cancel()
	}
}

// End ends the call, once: its stream stops, Done closes and Dial
// returns; then report, if set, reports the end as the carrier does. A
// concurrent End waits for it, so that a fake closing waits for the report
// to be under way.
func (l *Line) End(report func()) {
	l.finish.Do(func() {
		l.Interrupt()
		close(l.done)
		l.Answer()
		if report != nil {
			report()
		}
	})
}

func (l *Line) live() *stream {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}

// stream is a live media websocket of a call.
type stream struct {
	sock   *phone.Socket
	wire   Wire
	cancel context.CancelFunc
}
