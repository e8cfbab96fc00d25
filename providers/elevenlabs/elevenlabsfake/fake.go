// Package elevenlabsfake is a loopback fake of ElevenLabs' stream-input
// text-to-speech websocket, for tests, benchmarks and the credential-free
// demo. It checks the API key like the service, validates the query,
// records every socket's messages, and answers with deterministic audio:
// μ-law at 8 kHz is fakespeech (a test caller can decode the words said);
// PCM is a tone per word with the same timing. Character alignment matches
// the audio. Latency and faults are configurable.
package elevenlabsfake

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/loopback"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/providers/internal/wsfake"
)

// Options configure a fake.
type Options struct {
	// Key is the API key accepted; "" accepts any non-empty key.
	Key string
	// Clock paces the audio; nil means the real clock.
	Clock clock.Clock
	// FirstByte is the delay from a generation's trigger (a flush, EOS or
	// the chunk schedule) to its first audio.
	FirstByte time.Duration
	// Speed is the audio production rate as a multiple of real time: 1
	// sends a second of audio per second; 0 sends it as fast as possible.
	Speed float64
	// Chunk is the audio carried by one message; 0 means 200 ms.
	Chunk time.Duration
	// InactivityTimeout, if positive, overrides the socket's
	// inactivity_timeout (seconds, default 20).
	InactivityTimeout time.Duration
	// Models are the model IDs accepted; nil means the current ones.
	Models []string
	// Records is what the fake keeps of its traffic for tests to read:
	// the newest by default; the fakes behind `switchboard fakes`, the
	// benchmark and the demo keep nothing.
	Records recent.Policy
}

// DefaultModels are the model IDs the fake accepts by default.
var DefaultModels = []string{
	"eleven_flash_v2_5", "eleven_flash_v2", "eleven_turbo_v2_5", "eleven_turbo_v2",
	"eleven_multilingual_v2", "eleven_v3", "eleven_monolingual_v1",
}

// Socket is what the fake saw on one websocket.
type Socket struct {
	VoiceID  string
	Query    url.Values
	Messages []Message // client messages in order
	Closed   bool      // the socket has ended
}

// Message is one client message.
type Message struct {
	Text             *string // nil if absent
	Flush            bool
	VoiceSettings    map[string]any
	GenerationConfig map[string]any
	Raw              string
}

// Fake is the fake service: an http.Handler serving the stream-input
// websocket under any path prefix.
type Fake struct {
	opts    Options
	faults  fault.Injector
	handler http.Handler

	mu      sync.Mutex
	sockets []*Socket
	live    *wsfake.Live
}

// New returns a fake.
func New(o Options) *Fake {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Chunk <= 0 {
		o.Chunk = 200 * time.Millisecond
	}
	if o.Models == nil {
		o.Models = DefaultModels
	}
	f := &Fake{opts: o}
	f.live = wsfake.NewLive(&f.mu)
	f.handler = f.faults.Middleware(errorBody, http.HandlerFunc(f.serve))
	return f
}

// Faults is the fake's fault injector: one fault per websocket handshake.
func (f *Fake) Faults() *fault.Injector { return &f.faults }

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

// Sockets returns a copy of what the fake has seen, oldest first.
func (f *Fake) Sockets() []Socket {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Socket, len(f.sockets))
	for i, s := range f.sockets {
		out[i] = *s
		out[i].Messages = slices.Clone(s.Messages)
	}
	return out
}

// Open is the number of websockets open now.
func (f *Fake) Open() int {
	return f.live.Open()
}

// Close ends every open websocket (http.Server.Close does not: they are
// hijacked) and waits for their handlers.
func (f *Fake) Close() {
	f.live.Close()
}

// errorBody is the service's error shape for a refused handshake.
func errorBody(k fault.Kind) []byte {
	switch k {
	case fault.Unauthorized:
		return detail("invalid_api_key", "Invalid API key")
	case fault.RateLimited:
		return detail("too_many_concurrent_requests", "Too many concurrent requests")
	default:
		return detail("internal_error", "An internal error occurred")
	}
}

func detail(status, message string) []byte {
	return []byte(`{"detail":{"status":"` + status + `","message":"` + message + `"}}`)
}

func (f *Fake) keyOK(k string) bool { return k != "" && (f.opts.Key == "" || k == f.opts.Key) }

// Server is a fake listening on loopback.
type Server struct {
	*Fake
	BaseURL string // http://127.0.0.1:port
	stop    func()
}

// Start runs a fake on 127.0.0.1 on a free port.
func Start(o Options) (*Server, error) {
	f := New(o)
	url, stop, err := loopback.Listen(f)
	if err != nil {
		return nil, err
	}
	return &Server{Fake: f, BaseURL: url, stop: stop}, nil
}

// Close stops the server and ends its websockets.
func (s *Server) Close() {
	s.stop()
	s.Fake.Close()
}

// route splits a stream-input path under any prefix into its voice ID.
func route(path string) (voiceID string, ok bool) {
	const p = "/v1/text-to-speech/"
	i := strings.LastIndex(path, p)
	if i < 0 {
		return "", false
	}
	v, tail, ok := strings.Cut(path[i+len(p):], "/")
	return v, ok && v != "" && tail == "stream-input"
}
