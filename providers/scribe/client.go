package scribe

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// Host is ElevenLabs' API host.
const Host = "wss://api.elevenlabs.io"

// path is the realtime API under the base URL.
const path = "/v1/speech-to-text/realtime"

// releaseAfter is how long audio the service said nothing about is kept
// for a replay while no segment is open: far longer than Scribe takes to
// send a segment's first partial.
const releaseAfter = 3 * time.Second

// Config tunes a Client; see sttsocket.Config for the fields and defaults.
type Config = sttsocket.Config

// Client opens Scribe realtime recognition streams. It is safe for
// concurrent use; one Client serves every call.
type Client struct{ *sttsocket.Client }

// New returns a client tuned by cfg (zero for the defaults).
func New(cfg Config) *Client { return &Client{sttsocket.NewClient(cfg, ErrNoKey, dial)} }

// dial connects to Host, or to opts.BaseURL; the stream is open once the
// session has started on the first connection.
func dial(opts voice.STTOptions, emit func(voice.STTEvent)) (sttsocket.Options, sttsocket.Protocol, error) {
	q, err := query(opts.Settings, opts.Format)
	if err != nil {
		return sttsocket.Options{}, nil, err
	}
	u, err := sttsocket.URL(opts.BaseURL, Host, path)
	if err != nil {
		return sttsocket.Options{}, nil, err
	}
	u.RawQuery = q.Encode()
	s := opts.Settings
	h := newHearing(opts.Format)
	cm := commitsOf(s.ElevenLabsConfig)
	gap := time.Duration(s.ElevenLabsConfig.VADSilenceThresholdSecs * float64(time.Second))
	if cm.Manual {
		gap = cm.Silence
		if cm.ShortSilence > 0 {
			gap = cm.ShortSilence
		}
	}
	p := &protocol{
		recognizer: newRecognizer(emit, h, s.InterimResults, s.Punctuate, s.ElevenLabsConfig.IncludeTimestamps, gap),
		hear:       h,
		format:     opts.Format,
		commits:    cm,
		rate:       strconv.Itoa(opts.Format.SampleRate),
	}
	p.commit = bytes.Clone(p.chunk(nil, true))
	return sttsocket.Options{
		Provider: "elevenlabs",
		URL:      u.String(),
		Header:   http.Header{"xi-api-key": {opts.Key}},
		Format:   opts.Format,
		Refused:  sttsocket.ReadStatus("scribe"),
	}, p, nil
}

// protocol frames a Scribe stream: the configuration is in the URL, the
// service answers session_started, audio goes as input_audio_chunk
// messages, and a chunk with commit true commits the segment (Finalize,
// manual commits, and the end of the audio: the stream closes once the
// last commit is answered). Scribe has no keepalive message; the engine
// streams audio all call long. The stream's pooled writer calls its
// methods, except the recognizer's Handle.
type protocol struct {
	*recognizer
	hear     *hearing
	format   voice.Format
	commits  commits
	rate     string
	commit   []byte // an empty chunk that commits
	buf      []byte
	pos      time.Duration // stream time of the next audio
	off      int64         // and its byte offset
	commitAt time.Duration // stream time of the last commit sent
	sound    bool          // the last chunk held sound, or a commit
	sends    []sent        // audio sent in the last releaseAfter, oldest first
	old      time.Duration // the end of the audio sent releaseAfter ago
	released time.Duration
}

// sent is the end of audio sent at a time.
type sent struct {
	at  time.Time
	end time.Duration
}

var _ sttsocket.Quiet = (*protocol)(nil)

// Connect implements sttsocket.Recognizer: the connection's audio starts
// at base; a commit the replay crosses is sent again.
func (p *protocol) Connect(base, replayEnd time.Duration) {
	p.recognizer.Connect(base, replayEnd)
	p.pos, p.off = base, int64(p.format.Bytes(base))
	p.commitAt = min(p.commitAt, base)
}

// Start waits for session_started: the configuration is in the URL.
func (p *protocol) Start(c *websocket.Conn) error {
	_, data, err := c.ReadMessage()
	if err != nil {
		return fmt.Errorf("scribe: awaiting session_started: %w", err)
	}
	var m message
	if err := m.parse(data); err != nil {
		return err
	}
	switch m.typ {
	case msgSessionStarted:
		return nil
	case msgError:
		return serverError(m.errKind, m.errMsg)
	}
	return fmt.Errorf("%w: got %.200s", ErrNotStarted, data)
}

// Audio frames audio as an input_audio_chunk, committing with it when the
// manual strategy's silence has come.
func (p *protocol) Audio(b []byte) (int, []byte) {
	p.sound = p.hear.feed(p.off, b)
	p.off += int64(len(b))
	p.pos = p.format.Duration(int(p.off))
	p.sends = append(p.sends, sent{time.Now(), p.pos})
	commit := p.manualCommit()
	p.sound = p.sound || commit
	return websocket.TextMessage, p.chunk(b, commit)
}

// manualCommit reports whether the audio up to p.pos ends a segment under
// the manual strategy, and notes the commit.
func (p *protocol) manualCommit() bool {
	c := p.commits
	if !c.Manual {
		return false
	}
	silence, sound := p.hear.quietAt(p.commitAt, p.pos)
	wait := c.Silence
	if c.ShortSilence > 0 && p.sentenceEnd.Load() {
		wait = c.ShortSilence
	}
	if sound < max(c.MinSpeech, frameTime) || silence < max(wait, c.MinSilence) {
		return false
	}
	p.commitAt = p.pos
	return true
}

func (p *protocol) chunk(audio []byte, commit bool) []byte {
	b := append(p.buf[:0], `{"message_type":"input_audio_chunk","audio_base_64":"`...)
	b = base64.StdEncoding.AppendEncode(b, audio)
	b = append(b, `","commit":`...)
	b = strconv.AppendBool(b, commit)
	b = append(b, `,"sample_rate":`...)
	b = append(b, p.rate...)
	b = append(b, '}')
	p.buf = b
	return b
}

// Finalize commits what was sent. It is called on the engine's goroutine
// too (to learn the protocol has a finalize message), so it only returns
// the message made with the protocol. (A manual commit may follow at the
// next silence: with nothing new to commit it is answered empty.)
func (p *protocol) Finalize() (int, []byte) { return websocket.TextMessage, p.commit }

// Close commits what was sent. Scribe never closes by itself: the stream
// ends once a commit has come after this one was sent and every sound
// heard is committed (a commit whose answer is still on its way may be the
// one). A service that answers nothing leaves Close to its timeout.
func (p *protocol) Close() (int, []byte) {
	p.closing.Store(true)
	p.commitAt = p.pos
	return p.Finalize()
}

func (*protocol) KeepAlive() []byte { return nil }

// Expects implements sttsocket.Quiet: Scribe answers sound (with partials
// about once a second while a segment is open) and commits, not silence.
func (p *protocol) Expects([]byte) bool { return p.sound }

// Released implements sttsocket.Quiet: while no segment is open, audio
// sent more than releaseAfter ago that the service said nothing about
// holds no words.
func (p *protocol) Released() time.Duration {
	now, n := time.Now(), 0
	for n < len(p.sends) && now.Sub(p.sends[n].at) >= releaseAfter {
		p.old = max(p.old, p.sends[n].end)
		n++
	}
	p.sends = p.sends[n:]
	if !p.open.Load() {
		p.released = max(p.released, p.old)
	}
	return p.released
}
