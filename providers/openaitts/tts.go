package openaitts

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultStallTimeout bounds the wait for the service while audio is owed.
const DefaultStallTimeout = 5 * time.Second

// pipeline is how many chunk requests run at once: the one playing and the
// next, so that the next chunk's first audio is ready when the current one
// ends.
const pipeline = 2

// defaultClient keeps connections to the service alive across requests and
// calls: a new call's first request usually finds one open.
var defaultClient = &http.Client{Transport: &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     90 * time.Second,
	ForceAttemptHTTP2:   true,
}}

// TTS speaks through OpenAI's /audio/speech endpoint: one streamed request
// per chunk of text, played strictly in order. The zero value is ready to
// use.
type TTS struct {
	// Client makes the requests; nil means a shared client that keeps
	// connections alive.
	Client *http.Client
	// StallTimeout fails an utterance whose current request gets no bytes
	// for this long. 0 means DefaultStallTimeout.
	StallTimeout time.Duration
}

var _ voice.TTS = (*TTS)(nil)

// OpenTTS opens a session. It makes no request: connections are shared by
// every session through the client, so they are usually warm already.
//
// Settings map as follows: voice_id is the voice; model_id goes through
// ModelID; speed is clamped to 0.25–4; provider_config may give
// instructions. The service has no volume control, so volume (0 meaning
// unset, i.e. 1) is applied here as a gain. Responses are raw 24 kHz PCM,
// resampled and encoded to the wanted format with a resampler whose state
// carries across an utterance's requests. OpenAI reports no word timings:
// TTSAudio.Words stays nil.
func (t *TTS) OpenTTS(_ context.Context, o voice.TTSOptions) (voice.TTSSession, error) {
	gain := o.Settings.Volume
	if gain == 0 {
		gain = 1
	}
	if _, err := audioconv.New(source, o.Format, gain); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	u, err := speechURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	s := &session{
		client: t.Client,
		url:    u,
		key:    o.Key,
		req:    template(o.Settings),
		out:    o.Format,
		gain:   gain,
		stall:  t.StallTimeout,
	}
	if s.client == nil {
		s.client = defaultClient
	}
	if s.stall <= 0 {
		s.stall = DefaultStallTimeout
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// statusError reads the service's refusal, {"error":{"message","type",
// "code"}}, else the body's text.
func statusError(resp *http.Response) *StatusError {
	e := &StatusError{StatusCode: resp.StatusCode}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var v struct {
		Error struct{ Message, Type, Code string } `json:"error"`
	}
	if json.Unmarshal(body, &v) == nil && v.Error.Message != "" {
		e.Message = v.Error.Message
		if v.Error.Code != "" {
			e.Message = v.Error.Code + ": " + e.Message
		}
	} else {
		e.Message = strings.TrimSpace(string(body[:min(len(body), 200)]))
	}
	return e
}
