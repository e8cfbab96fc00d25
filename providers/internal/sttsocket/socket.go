package sttsocket

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/internal/writers"
	"github.com/switchboard-voice/switchboard/providers/internal/wsbuf"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxMessage bounds one server message. Results are a few KB; compression
// is never negotiated, so the limit is the real size.
const maxMessage = 1 << 20

// Protocol is one service's side of one stream: its Recognizer plus how
// its connections are started and its messages framed. Start runs on the
// stream's goroutine; Audio, Finalize, Close and KeepAlive on its pooled
// writer, one connection at a time.
type Protocol interface {
	Recognizer
	// Start runs on each new connection before any audio: it sends the
	// session's configuration and, where the protocol acknowledges it,
	// waits for the acknowledgement. An error fails the connection attempt.
	Start(c *websocket.Conn) error
	// Audio frames audio for sending: message type and payload.
	Audio(b []byte) (int, []byte)
	// Finalize is the message asking the service to finalize what it has
	// heard; type 0 if the protocol has none.
	Finalize() (int, []byte)
	// Close is the message ending the audio gracefully.
	Close() (int, []byte)
	// KeepAlive is the text message keeping an idle connection open; nil
	// if the protocol needs or has none.
	KeepAlive() []byte
}

// Quiet is a Protocol for a service that may say nothing for long
// stretches: over silence, or over sound it does not take for speech
// (ElevenLabs Scribe sends nothing until it hears speech, and nothing
// between segments). Its stream applies the quiet-service rule: only
// audio the protocol expects an answer to can stall the connection, and
// audio the service said nothing about is released from the replay buffer
// on the protocol's word rather than on a finalized point.
type Quiet interface {
	// Expects reports whether audio b, just framed by Audio, must be
	// answered within Config.StallTimeout.
	Expects(b []byte) bool
	// Released is the stream time up to which audio may be forgotten
	// although the service has not finalized it: nothing in it will be
	// transcribed.
	Released() time.Duration
}

// Options say where and how a stream connects.
type Options struct {
	Provider string // names dial errors
	URL      string
	Header   http.Header
	Format   voice.Format
	Config   Config
	// Refused reads a refused handshake's response into an error, a
	// Refusal when it can say whether a retry may pass.
	Refused func(*http.Response) error
	// Writers is the pool that writes the stream's connections
	// [writers.Shared("stt")].
	Writers *writers.Pool
}

// Open connects a stream and returns once the first connection is up,
// retrying refusals that may pass like a reconnection. ctx bounds the
// stream's whole life: cancelling it tears the stream down at once, without
// emitting anything more.
func Open(ctx context.Context, opts Options, p Protocol, emit func(voice.STTEvent)) (voice.STTStream, error) {
	opts.Config = opts.Config.WithDefaults()
	s := newStream(ctx, opts, p, emit)
	conn, err := s.connect(nil)
	if err != nil {
		s.cancel()
		return nil, err
	}
	go s.run(conn)
	return s, nil
}

// dial opens one connection and starts the protocol on it.
func (s *stream) dial() (*websocket.Conn, error) {
	d := websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: s.cfg.HandshakeTimeout}
	wsbuf.Set(&d)
	conn, resp, err := d.DialContext(s.ctx, s.opts.URL, s.opts.Header)
	if err != nil {
		if resp != nil && s.opts.Refused != nil {
			return nil, s.opts.Refused(resp)
		}
		return nil, fmt.Errorf("%s: dial: %w", s.opts.Provider, err)
	}
	conn.SetReadLimit(maxMessage)
	// a cancelled stream must not wait for a start stuck on the network
	stop := context.AfterFunc(s.ctx, func() { conn.Close() })
	defer stop()
	_ = conn.SetReadDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
	_ = conn.SetWriteDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
	if err := s.proto.Start(conn); err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetReadDeadline(time.Time{})
	return conn, nil
}

// backoff is the wait before attempt n (from 1) after a failure: at
// least a refusal's RetryDelay.
func (s *stream) backoff(n int, last error) time.Duration {
	var floor time.Duration
	var r Refusal
	if errors.As(last, &r) {
		floor = r.RetryDelay()
	}
	return backoff.Policy{Min: s.cfg.BackoffMin, Max: s.cfg.BackoffMax}.Wait(n, floor)
}

// permanent reports an error a new connection would meet again: a refusal
// that will not pass, or a permanent service error.
func permanent(err error) bool {
	var r Refusal
	if errors.As(err, &r) {
		return !r.Retryable()
	}
	var se *ServerError
	return errors.As(err, &se) && se.Permanent
}
