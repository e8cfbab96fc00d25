package speechmatics

import (
	"fmt"
	"net/http"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// hosts are the real-time SaaS endpoints by speechmatics_config.region.
var hosts = map[string]string{
	"eu": "wss://eu2.rt.speechmatics.com",
	"us": "wss://us2.rt.speechmatics.com",
}

// path is the real-time API under the base URL.
const path = "/v2"

// Config tunes a Client; see sttsocket.Config for the fields and defaults.
type Config = sttsocket.Config

// Client opens Speechmatics real-time recognition streams. It is safe for
// concurrent use; one Client serves every call.
type Client struct{ *sttsocket.Client }

// New returns a client tuned by cfg (zero for the defaults).
func New(cfg Config) *Client { return &Client{sttsocket.NewClient(cfg, ErrNoKey, dial)} }

// dial connects to the region's host, or to opts.BaseURL; the stream is
// open once recognition has started on the first connection.
func dial(opts voice.STTOptions, emit func(voice.STTEvent)) (sttsocket.Options, sttsocket.Protocol, error) {
	start, err := startMessage(opts.Settings, opts.Format)
	if err != nil {
		return sttsocket.Options{}, nil, err
	}
	sc := opts.Settings.SpeechmaticsConfig
	def, ok := hosts[sc.Region]
	if !ok {
		def = hosts["eu"]
	}
	u, err := sttsocket.URL(opts.BaseURL, def, path)
	if err != nil {
		return sttsocket.Options{}, nil, err
	}
	s := opts.Settings
	rec := newRecognizer(emit, s.InterimResults && sc.EnablePartials, s.Punctuate, sc.UtteranceSilenceTimeout > 0)
	return sttsocket.Options{
		Provider: "speechmatics",
		URL:      u.String(),
		Header:   http.Header{"Authorization": {"Bearer " + opts.Key}},
		Format:   opts.Format,
		Refused:  sttsocket.ReadStatus("speechmatics"),
	}, &protocol{recognizer: rec, start: start}, nil
}

var forceEnd = []byte(`{"message":"ForceEndOfUtterance"}`)

// protocol frames a Speechmatics stream: StartRecognition answered by
// RecognitionStarted, each binary message one AddAudio (numbered from 1 on
// each connection, acknowledged by AudioAdded), ForceEndOfUtterance for
// Finalize, and EndOfStream with the last number to end the audio (the
// service answers the last transcripts and EndOfTranscript). Speechmatics
// has no keepalive message: its idle limit is an hour without audio, and
// the engine streams audio all call long.
type protocol struct {
	*recognizer
	start []byte
	seq   int // AddAudio messages sent on the connection
}

func (p *protocol) Start(c *websocket.Conn) error {
	p.seq = 0
	if err := c.WriteMessage(websocket.TextMessage, p.start); err != nil {
		return err
	}
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return fmt.Errorf("speechmatics: awaiting RecognitionStarted: %w", err)
		}
		var m message
		if err := m.parse(data); err != nil {
			return err
		}
		switch m.typ {
		case msgRecognitionStarted:
			return nil
		case msgError:
			return serverError(m.errType, m.reason)
		case msgInfo, msgWarning:
			continue // e.g. recognition_quality, sent first
		}
		return fmt.Errorf("%w: got %s", ErrNotStarted, data)
	}
}

func (p *protocol) Audio(b []byte) (int, []byte) {
	p.seq++
	return websocket.BinaryMessage, b
}

func (*protocol) Finalize() (int, []byte) { return websocket.TextMessage, forceEnd }

func (p *protocol) Close() (int, []byte) {
	return websocket.TextMessage, fmt.Appendf(nil, `{"message":"EndOfStream","last_seq_no":%d}`, p.seq)
}

func (*protocol) KeepAlive() []byte { return nil }
