package elevenlabs

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
	maxMessage   = 4 << 20 // largest server message accepted
	queueLen     = 64      // text messages queued per socket
	writeTimeout = 10 * time.Second
)

// TTS speaks through ElevenLabs' stream-input websocket. The zero value is
// ready to use.
type TTS struct {
	// Dialer opens the websockets; nil means one with a 10 s handshake
	// timeout and the environment's proxy.
	Dialer *websocket.Dialer
	// StallTimeout fails an utterance whose service sends nothing for this
	// long while audio is owed: between the first Send and the first audio,
	// and after End. 0 means DefaultStallTimeout.
	StallTimeout time.Duration
}

var _ voice.TTS = (*TTS)(nil)

// OpenTTS opens a session and dials its first socket, so that a bad key or
// an exhausted quota fails here with a *StatusError.
//
// Settings map as follows: voice_id through VoiceID and model_id through
// ModelID; latency is optimize_streaming_latency; stability,
// similarity_boost, style, use_speaker_boost and speed (clamped to the
// service's 0.7–1.2) are the voice settings; provider_config may give
// language_code and chunk_length_schedule. ElevenLabs has no volume
// control, so volume (0 meaning unset, i.e. 1) is applied here as a gain
// on the samples; any volume but 1 means asking for PCM and encoding
// locally.
func (t *TTS) OpenTTS(ctx context.Context, o voice.TTSOptions) (voice.TTSSession, error) {
	gain := o.Settings.Volume
	if gain == 0 {
		gain = 1
	}
	name, src := outputFormat(o.Format, gain)
	if _, err := audioconv.New(src, o.Format, gain); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	u, err := streamURL(o.BaseURL, o.Settings, name)
	if err != nil {
		return nil, err
	}
	s := &session{
		dialer: ttssocket.Dialer{
			WS: t.Dialer, URL: u, Header: http.Header{"xi-api-key": {o.Key}},
			MaxMessage: maxMessage, Refused: statusError, ErrConnection: ErrConnection,
		},
		bos:   bos(o.Settings),
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
	s.warm = s.openSocket(ws, nil)
	return s, nil
}

// statusError reads the service's refusal: {"detail":{"status","message"}}
// or {"detail":"..."}, else the body's text.
func statusError(resp *http.Response) error {
	e := &StatusError{StatusCode: resp.StatusCode}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var v struct {
		Detail json.RawMessage `json:"detail"`
	}
	var d struct{ Status, Message string }
	var text string
	switch {
	case json.Unmarshal(body, &v) == nil && json.Unmarshal(v.Detail, &d) == nil && d.Message != "":
		e.Message = d.Message
	case json.Unmarshal(body, &v) == nil && json.Unmarshal(v.Detail, &text) == nil:
		e.Message = text
	default:
		e.Message = strings.TrimSpace(string(body[:min(len(body), 200)]))
	}
	return e
}
