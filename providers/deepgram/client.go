package deepgram

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// Client opens Deepgram recognition streams (v1 live or Flux). It is safe
// for concurrent use; one Client serves every call.
type Client struct {
	cfg Config
}

var _ voice.STT = (*Client)(nil)

// New returns a client tuned by cfg (zero for the defaults).
func New(cfg Config) *Client {
	return &Client{cfg: cfg.WithDefaults()}
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
	var rec recognizer
	if flux {
		rec = newFlux(emit)
	} else {
		rec = newV1(emit, opts.Settings.InterimResults && opts.Settings.UtteranceEndMS > 0)
	}
	return sttsocket.Open(ctx, sttsocket.Options{
		Provider: "deepgram",
		URL:      u,
		Header:   http.Header{"Authorization": {"Token " + opts.Key}},
		Format:   opts.Format,
		Config:   c.cfg,
		Refused:  statusError,
	}, protocol{rec}, emit)
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
