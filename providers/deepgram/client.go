package deepgram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxMessage bounds one server message. Results are a few KB; compression
// is never negotiated, so the limit is the real size.
const maxMessage = 1 << 20

// Client opens Deepgram recognition streams (v1 live or Flux). It is safe
// for concurrent use; one Client serves every call.
type Client struct {
	cfg    Config
	dialer websocket.Dialer
}

var _ voice.STT = (*Client)(nil)

// New returns a client tuned by cfg (zero for the defaults).
func New(cfg Config) *Client {
	cfg = cfg.withDefaults()
	return &Client{cfg: cfg, dialer: websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: cfg.HandshakeTimeout,
	}}
}

// OpenSTT connects a recognition stream for one call: Flux or v1 as
// UsesFlux decides, with audio in opts.Format. It returns once the first
// connection is up, retrying refusals that may pass (429, 5xx, network)
// like a reconnection; a 401 or a bad parameter fails at once with a
// *StatusError. ctx bounds the stream's whole life: cancelling it tears the
// stream down at once, without emitting anything more.
func (c *Client) OpenSTT(ctx context.Context, opts voice.STTOptions, emit func(voice.STTEvent)) (voice.STTStream, error) {
	if opts.Key == "" {
		return nil, ErrNoKey
	}
	u, flux, err := endpoint(opts)
	if err != nil {
		return nil, err
	}
	s := newStream(ctx, c, u, opts, emit, flux)
	conn, err := s.connect(nil)
	if err != nil {
		s.cancel()
		return nil, err
	}
	go s.run(conn)
	return s, nil
}

func (c *Client) dial(ctx context.Context, url string, h http.Header) (*websocket.Conn, error) {
	conn, resp, err := c.dialer.DialContext(ctx, url, h)
	if err != nil {
		if resp != nil {
			return nil, statusError(resp)
		}
		return nil, fmt.Errorf("deepgram: dial: %w", err)
	}
	conn.SetReadLimit(maxMessage)
	return conn, nil
}

// statusError reads Deepgram's refusal: the dg-error and dg-request-id
// headers and an {"err_code","err_msg","request_id"} body.
func statusError(resp *http.Response) error {
	e := &StatusError{
		Status:    resp.StatusCode,
		Message:   resp.Header.Get("dg-error"),
		RequestID: resp.Header.Get("dg-request-id"),
	}
	var body struct {
		ErrCode   string `json:"err_code"`
		ErrMsg    string `json:"err_msg"`
		RequestID string `json:"request_id"`
	}
	if b, err := io.ReadAll(io.LimitReader(resp.Body, 4096)); err == nil && json.Unmarshal(b, &body) == nil {
		e.Code = body.ErrCode
		if body.ErrMsg != "" {
			e.Message = body.ErrMsg
		}
		if e.RequestID == "" {
			e.RequestID = body.RequestID
		}
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// backoff is the wait before attempt n (from 1) after a failure: at
// least a 429's Retry-After.
func (c *Client) backoff(n int, last error) time.Duration {
	var floor time.Duration
	var se *StatusError
	if errors.As(last, &se) {
		floor = se.RetryAfter
	}
	return backoff.Policy{Min: c.cfg.BackoffMin, Max: c.cfg.BackoffMax}.Wait(n, floor)
}
