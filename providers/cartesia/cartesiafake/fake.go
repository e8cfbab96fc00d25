// Package cartesiafake is a loopback fake of Cartesia's TTS websocket, for
// tests, benchmarks and the credential-free demo. It checks the API key and
// version like the service, validates generation requests, records every
// socket's messages, and answers each context with deterministic audio:
// pcm_mulaw at 8 kHz is fakespeech (a test caller can decode the words
// said); other encodings and rates carry a tone per word with the same
// timing. Word timestamps match the audio. Contexts, continuations, cancel,
// done and error messages behave as the service's do; latency and faults
// are configurable.
package cartesiafake

import (
	"encoding/json"
	"net/http"
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
	// FirstByte is the delay from a request to its first audio.
	FirstByte time.Duration
	// Speed is the audio production rate as a multiple of real time; 0
	// sends audio as fast as possible.
	Speed float64
	// Chunk is the audio carried by one chunk message; 0 means 100 ms.
	Chunk time.Duration
	// IdleTimeout, if positive, closes a socket that received nothing for
	// that long (the service's is 5 minutes).
	IdleTimeout time.Duration
	// Records is what the fake keeps of its traffic for tests to read:
	// the newest by default; the fakes behind `switchboard fakes`, the
	// benchmark and the demo keep nothing.
	Records recent.Policy
}

// Socket is what the fake saw on one websocket.
type Socket struct {
	Version  string    // Cartesia-Version
	Requests []Request // client messages in order
	Closed   bool      // the socket has ended
}

// Request is one client message.
type Request struct {
	ContextID        string
	Cancel           bool
	ModelID          string
	Transcript       string
	Continue         bool
	VoiceMode        string
	VoiceID          string
	Language         string
	Container        string
	Encoding         string
	SampleRate       int
	AddTimestamps    bool
	GenerationConfig map[string]any
	Raw              string
}

// Fake is the fake service: an http.Handler serving /tts/websocket under
// any path prefix.
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
		o.Chunk = 100 * time.Millisecond
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
		out[i].Requests = slices.Clone(s.Requests)
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
		return apiError(401, "invalid_api_key", "Unauthorized", "Invalid API key")
	case fault.RateLimited:
		return apiError(429, "rate_limited", "Too Many Requests", "Concurrency limit reached")
	default:
		return apiError(k.Status(), "internal_error", "Internal Server Error", "The service encountered an error")
	}
}

func apiError(status int, code, title, msg string) []byte {
	b, _ := json.Marshal(map[string]any{"status_code": status, "error_code": code, "title": title, "message": msg})
	return b
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

// isTTSPath reports whether path is /tts/websocket under any prefix.
func isTTSPath(path string) bool {
	return strings.HasSuffix(strings.TrimSuffix(path, "/"), "/tts/websocket")
}
