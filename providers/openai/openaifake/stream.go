package openaifake

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
)

// Latency paces a fake model's output.
type Latency struct {
	FirstToken      time.Duration // from the request to the first token
	TokensPerSecond float64       // then this rate; 0 sends as fast as possible
}

// Streamer writes one Server-Sent Events response, paced by the fake's
// latencies and cut by the request's fault.
type Streamer struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	ctx   context.Context
	done  <-chan struct{}
	clk   clock.Clock
	lat   Latency
	fault fault.Fault
	start time.Time
	sent  int
	eol   string
}

// Stream starts an event-stream response, flushing its headers at once as
// the real services do; crlf ends lines with CRLF (Gemini) instead of LF.
func (b *Base) Stream(w http.ResponseWriter, r *http.Request, crlf bool) *Streamer {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	s := &Streamer{w: w, rc: http.NewResponseController(w), ctx: r.Context(), done: b.done,
		clk: b.clock, lat: b.latency, fault: fault.FromRequest(r), start: b.clock.Now(), eol: "\n"}
	if crlf {
		s.eol = "\r\n"
	}
	_ = s.rc.Flush()
	return s
}

// Next waits until the next token is due and applies the fault: Drop cuts
// the connection (it panics with http.ErrAbortHandler, which net/http
// handles by closing the connection without ending the response); Stall
// sends nothing more until the client leaves or the fake closes. A non-nil
// error ends the response.
func (s *Streamer) Next() error {
	if s.fault.After <= s.sent {
		switch s.fault.Kind {
		case fault.Drop:
			panic(http.ErrAbortHandler)
		case fault.Stall:
			select {
			case <-s.ctx.Done():
				return s.ctx.Err()
			case <-s.done:
				return ErrClosed
			}
		}
	}
	due := s.lat.FirstToken
	if s.lat.TokensPerSecond > 0 {
		due += time.Duration(float64(s.sent) * float64(time.Second) / s.lat.TokensPerSecond)
	}
	if err := s.wait(s.start.Add(due).Sub(s.clk.Now())); err != nil {
		return err
	}
	s.sent++
	return nil
}

func (s *Streamer) wait(d time.Duration) error {
	if d <= 0 {
		return nil
	}
	ch := make(chan struct{})
	t := s.clk.AfterFunc(d, func() { close(ch) })
	select {
	case <-ch:
		return nil
	case <-s.ctx.Done():
		t.Stop()
		return s.ctx.Err()
	case <-s.done:
		t.Stop()
		return ErrClosed
	}
}

// Marshal encodes v as the services do: compact, without escaping <, >
// and & as json.Marshal does.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Send writes one event (named, if event is not empty) whose data is v as
// JSON, or v itself if it is a string, and flushes it.
func (s *Streamer) Send(event string, v any) error {
	var data []byte
	switch v := v.(type) {
	case string:
		data = []byte(v)
	default:
		var err error
		if data, err = Marshal(v); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, len(data)+len(event)+24)
	if event != "" {
		buf = append(append(append(buf, "event: "...), event...), s.eol...)
	}
	buf = append(append(append(append(buf, "data: "...), data...), s.eol...), s.eol...)
	if _, err := s.w.Write(buf); err != nil {
		return err
	}
	return s.rc.Flush()
}
