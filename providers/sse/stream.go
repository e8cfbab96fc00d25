package sse

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// DefaultIdleTimeout ends a stream that sends nothing for this long. It is
// generous because reasoning models may think silently before answering;
// callers that need a reply sooner bound the first token themselves.
const DefaultIdleTimeout = 30 * time.Second

// drainTimeout bounds reading a finished stream to its end, which lets an
// HTTP/1.1 connection go back to the pool instead of being closed.
const drainTimeout = time.Second

// Request is a streaming POST.
type Request struct {
	URL         string
	Header      http.Header // authentication and provider headers
	Body        []byte      // JSON
	IdleTimeout time.Duration
	MaxEvent    int // see NewReader
}

// Stream is an open event stream. Next and Close are called from one
// goroutine.
type Stream struct {
	*Reader
	body    io.ReadCloser
	cancel  context.CancelFunc
	timer   *time.Timer
	idle    time.Duration
	stalled atomic.Bool
}

// Open posts req and returns its event stream. An error status becomes a
// *StatusError; a failure to connect is returned as the transport reports
// it; a server silent for req.IdleTimeout (DefaultIdleTimeout if 0), before
// or during the stream, ErrStalled. Cancelling ctx aborts the request and
// closes its connection. The caller must Close the stream.
func Open(ctx context.Context, hc *http.Client, req Request) (*Stream, error) {
	ctx, cancel := context.WithCancel(ctx)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		cancel()
		return nil, err
	}
	for k, v := range req.Header {
		hr.Header[k] = v
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "text/event-stream")
	s := &Stream{cancel: cancel, idle: req.IdleTimeout}
	if s.idle <= 0 {
		s.idle = DefaultIdleTimeout
	}
	s.timer = time.AfterFunc(s.idle, func() {
		s.stalled.Store(true)
		cancel()
	})
	resp, err := hc.Do(hr)
	if err != nil {
		s.timer.Stop()
		cancel()
		if s.stalled.Load() {
			return nil, ErrStalled
		}
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		s.timer.Stop()
		e := statusError(resp)
		resp.Body.Close()
		cancel()
		return nil, e
	}
	s.body = resp.Body
	s.Reader = NewReader(resp.Body, req.MaxEvent)
	return s, nil
}

// Next returns the next event, as Reader.Next does; a stream silent for its
// idle timeout fails with ErrStalled.
func (s *Stream) Next() (Event, error) {
	s.timer.Reset(s.idle)
	ev, err := s.Reader.Next()
	if err != nil && s.stalled.Load() {
		err = ErrStalled
	}
	return ev, err
}

// Drain reads a finished stream to its end, briefly, so that its
// connection can be reused.
func (s *Stream) Drain() {
	s.idle = min(s.idle, drainTimeout)
	for {
		if _, err := s.Next(); err != nil {
			return
		}
	}
}

// Close aborts the request if it is still streaming and releases its
// connection.
func (s *Stream) Close() error {
	s.timer.Stop()
	s.cancel()
	return s.body.Close()
}
