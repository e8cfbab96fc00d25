package aura

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/providers/internal/ttssocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultStallTimeout bounds the wait for the service while audio is owed.
const DefaultStallTimeout = 5 * time.Second

const (
	maxMessage   = 1 << 20 // largest server message accepted
	queueLen     = 64      // client messages queued
	writeTimeout = 10 * time.Second
)

// TTS speaks through Deepgram Aura's /v1/speak websocket. The zero value
// is ready to use.
type TTS struct {
	// Dialer opens the websocket; nil means one with a 10 s handshake
	// timeout and the environment's proxy.
	Dialer *websocket.Dialer
	// StallTimeout fails an utterance whose service sends nothing for this
	// long between End and Flushed. 0 means DefaultStallTimeout.
	StallTimeout time.Duration
}

var _ voice.TTS = (*TTS)(nil)

// OpenTTS opens a session and dials its socket, so that a bad key fails
// here with a *StatusError.
//
// Settings map as follows: the model is Model(settings); speed is the
// speed parameter (sent when not 1); provider_config may give language and
// mip_opt_out. Aura reports no word timings: TTSAudio.Words stays nil.
// Aura has no volume control, so volume (0 meaning unset, i.e. 1) is
// applied here as a gain; any volume but 1 means asking for linear16 and
// encoding locally.
func (t *TTS) OpenTTS(ctx context.Context, o voice.TTSOptions) (voice.TTSSession, error) {
	gain := o.Settings.Volume
	if gain == 0 {
		gain = 1
	}
	encoding, src := outputFormat(o.Format, gain)
	if _, err := audioconv.New(src, o.Format, gain); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	u, err := speakURL(o.BaseURL, o.Settings, encoding, src.SampleRate)
	if err != nil {
		return nil, err
	}
	s := &session{
		dialer: ttssocket.Dialer{
			WS: t.Dialer, URL: u, Header: http.Header{"Authorization": {"Token " + o.Key}},
			MaxMessage: maxMessage, Refused: statusError, ErrConnection: ErrConnection,
		},
		src:   src,
		out:   o.Format,
		gain:  gain,
		stall: t.StallTimeout,
	}
	if s.stall <= 0 {
		s.stall = DefaultStallTimeout
	}
	ws, err := s.dialer.Dial(ctx)
	if err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.k = s.openSocket(ws, nil)
	return s, nil
}

// statusError reads the service's refusal, {"err_code","err_msg"}, else
// the body's text.
func statusError(resp *http.Response) error {
	e := &StatusError{StatusCode: resp.StatusCode}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var v struct {
		Code string `json:"err_code"`
		Msg  string `json:"err_msg"`
	}
	if json.Unmarshal(body, &v) == nil && (v.Code != "" || v.Msg != "") {
		e.Message = strings.TrimSpace(v.Code + ": " + v.Msg)
	} else {
		e.Message = strings.TrimSpace(string(body[:min(len(body), 200)]))
	}
	return e
}
