// Package aurafake is a loopback fake of Deepgram Aura's /v1/speak
// text-to-speech websocket, for tests, benchmarks and the credential-free
// demo. It checks the API key like the service, validates the query,
// records every socket's messages, and answers with deterministic audio in
// binary frames: μ-law at 8 kHz is fakespeech (a test caller can decode the
// words said); other encodings and rates carry a tone per word with the
// same timing. Speak,
// Flush (with the service's limit), Clear and Close behave as the service's
// do; latency and faults are configurable.
package aurafake

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
	// Clock paces the audio and the Flush limit; nil means the real clock.
	Clock clock.Clock
	// FirstByte is the delay from a generation's trigger (a sentence end
	// in the text, or a Flush) to its first audio.
	FirstByte time.Duration
	// Speed is the audio production rate as a multiple of real time; 0
	// sends audio as fast as possible.
	Speed float64
	// Chunk is the audio carried by one binary message; 0 means 100 ms.
	Chunk time.Duration
	// FlushLimit is the number of Flush messages allowed per 60 s; 0 means
	// the service's 20, negative means no limit.
	FlushLimit int
	// IdleTimeout, if positive, closes a socket that received nothing for
	// that long.
	IdleTimeout time.Duration
	// Records is what the fake keeps of its traffic for tests to read:
	// the newest by default; the fakes behind `switchboard fakes`, the
	// benchmark and the demo keep nothing.
	Records recent.Policy
}

// Socket is what the fake saw on one websocket.
type Socket struct {
	Query    url.Values
	Messages []Message // client messages in order
	Closed   bool      // the socket has ended
}

// Message is one client message.
type Message struct {
	Type string
	Text string
	Raw  string
}

// Fake is the fake service: an http.Handler serving /v1/speak under any
// path prefix.
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
	if o.FlushLimit == 0 {
		o.FlushLimit = 20
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
		return apiError("INVALID_AUTH", "Invalid credentials.")
	case fault.RateLimited:
		return apiError("TOO_MANY_REQUESTS", "Too many requests. Please try again later.")
	default:
		return apiError("INTERNAL_SERVER_ERROR", "The service encountered an error.")
	}
}

func apiError(code, msg string) []byte {
	return []byte(`{"err_code":"` + code + `","err_msg":"` + msg + `","request_id":"00000000-0000-4000-8000-000000000000"}`)
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

// isSpeakPath reports whether path is /v1/speak under any prefix.
func isSpeakPath(path string) bool {
	return strings.HasSuffix(strings.TrimSuffix(path, "/"), "/v1/speak")
}
