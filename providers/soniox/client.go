package soniox

import (
	"net/http"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultBaseURL is Soniox's real-time API.
const DefaultBaseURL = "wss://stt-rt.soniox.com"

// path is the real-time endpoint under the base URL.
const path = "/transcribe-websocket"

// Config tunes a Client; see sttsocket.Config for the fields and defaults.
type Config = sttsocket.Config

// Client opens Soniox real-time recognition streams. It is safe for
// concurrent use; one Client serves every call.
type Client struct{ *sttsocket.Client }

// New returns a client tuned by cfg (zero for the defaults).
func New(cfg Config) *Client { return &Client{sttsocket.NewClient(cfg, ErrNoKey, dial)} }

// dial connects to DefaultBaseURL, or to opts.BaseURL; the stream is open
// once the first connection is up, refusals that may pass being retried
// like a reconnection.
func dial(opts voice.STTOptions, emit func(voice.STTEvent)) (sttsocket.Options, sttsocket.Protocol, error) {
	start, err := startMessage(opts.Settings, opts.Format)
	if err != nil {
		return sttsocket.Options{}, nil, err
	}
	u, err := sttsocket.URL(opts.BaseURL, DefaultBaseURL, path)
	if err != nil {
		return sttsocket.Options{}, nil, err
	}
	s := opts.Settings
	endsBy := time.Duration(s.SonioxConfig.UtteranceSilenceTimeout * float64(time.Second))
	rec := newRecognizer(emit, s.InterimResults, endsBy, s.SonioxConfig.EnableEndpointDetection)
	rec.plain = !s.Punctuate
	return sttsocket.Options{
		Provider: "soniox",
		URL:      u.String(),
		Header:   http.Header{"Authorization": {"Bearer " + opts.Key}},
		Format:   opts.Format,
		Refused:  sttsocket.ReadStatus("soniox"),
	}, &protocol{recognizer: rec, start: start}, nil
}

var (
	finalize  = []byte(`{"type":"finalize"}`)
	keepalive = []byte(`{"type":"keepalive"}`)
)

// protocol frames a Soniox stream: the configuration first as text, audio
// as binary messages, finalize and keepalive as JSON, and an empty binary
// message to end the audio (the service answers {"finished": true} and
// closes).
type protocol struct {
	*recognizer
	start []byte
}

func (p *protocol) Start(c *websocket.Conn) error {
	return c.WriteMessage(websocket.TextMessage, p.start)
}
func (*protocol) Audio(b []byte) (int, []byte) { return websocket.BinaryMessage, b }
func (*protocol) Finalize() (int, []byte)      { return websocket.TextMessage, finalize }
func (*protocol) Close() (int, []byte)         { return websocket.BinaryMessage, []byte{} }
func (*protocol) KeepAlive() []byte            { return keepalive }
