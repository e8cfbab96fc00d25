package cartesia

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	maxMessage   = 4 << 20 // largest server message accepted
	queueLen     = 64      // client messages queued
	writeTimeout = 10 * time.Second
)

// TTS speaks through Cartesia's TTS websocket. The zero value is ready to
// use.
type TTS struct {
	// Dialer opens the websocket; nil means one with a 10 s handshake
	// timeout and the environment's proxy.
	Dialer *websocket.Dialer
	// StallTimeout fails an utterance whose service sends nothing for this
	// long while audio is owed: between the first Send and the first audio,
	// and after End. 0 means DefaultStallTimeout.
	StallTimeout time.Duration
}

var _ voice.TTS = (*TTS)(nil)

// OpenTTS opens a session and dials its socket, so that a bad key fails
// here with a *StatusError.
//
// Settings map as follows: voice_id is the voice's id; model_id goes
// through ModelID; speed and volume go in generation_config (see
// template); provider_config may give language (default "en"). Word
// timestamps are asked for and reported as TTSAudio.Words, with the audio
// that follows them (see holdback).
func (t *TTS) OpenTTS(ctx context.Context, o voice.TTSOptions) (voice.TTSSession, error) {
	format, src := outputFormat(o.Format)
	if _, err := audioconv.New(src, o.Format, 1); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	u, err := socketURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	var id [6]byte
	_, _ = rand.Read(id[:])
	s := &session{
		dialer: ttssocket.Dialer{
			WS: t.Dialer, URL: u, Header: http.Header{"X-Api-Key": {o.Key}, "Cartesia-Version": {Version}},
			MaxMessage: maxMessage, Refused: statusError, ErrConnection: ErrConnection,
		},
		req:    template(o.Settings, format),
		prefix: hex.EncodeToString(id[:]) + "-",
		src:    src,
		out:    o.Format,
		stall:  t.StallTimeout,
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

// statusError reads the service's refusal, {"title","message","error_code"}
// or {"error"}, else the body's text.
func statusError(resp *http.Response) error {
	e := &StatusError{StatusCode: resp.StatusCode}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var v struct{ Title, Message, Error string }
	switch {
	case json.Unmarshal(body, &v) == nil && v.Message != "":
		e.Message = v.Message
	case v.Error != "":
		e.Message = v.Error
	case v.Title != "":
		e.Message = v.Title
	default:
		e.Message = strings.TrimSpace(string(body[:min(len(body), 200)]))
	}
	return e
}
