package deepgram

import (
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
type Client struct{ *sttsocket.Client }

// New returns a client tuned by cfg (zero for the defaults).
func New(cfg Config) *Client { return &Client{sttsocket.NewClient(cfg, ErrNoKey, dial)} }

// dial connects Flux or v1 as UsesFlux decides, with audio in opts.Format.
// The stream is open once the first connection is up, refusals that may
// pass (429, 5xx, network) being retried like a reconnection; a 401 or a
// bad parameter fails at once with a *StatusError.
func dial(opts voice.STTOptions, emit func(voice.STTEvent)) (sttsocket.Options, sttsocket.Protocol, error) {
	u, flux, err := endpoint(opts)
	if err != nil {
		return sttsocket.Options{}, nil, err
	}
	var rec recognizer
	if flux {
		rec = newFlux(emit)
	} else {
		rec = newV1(emit, opts.Settings.InterimResults && opts.Settings.UtteranceEndMS > 0)
	}
	return sttsocket.Options{
		Provider: "deepgram",
		URL:      u,
		Header:   http.Header{"Authorization": {"Token " + opts.Key}},
		Format:   opts.Format,
		Refused:  statusError,
	}, protocol{rec}, nil
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
