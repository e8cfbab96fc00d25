// Package openaittsfake is a loopback fake of OpenAI's /audio/speech
// endpoint, for tests, benchmarks and the credential-free demo. It checks
// the API key like the service, validates the request body, records every
// request, and streams deterministic raw 24 kHz PCM (response_format pcm):
// a tone per word, with fakespeech's word timing. Latency and faults are
// configurable.
package openaittsfake

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/loopback"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
)

// Rate is the sample rate of response_format pcm.
const Rate = 24000

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
	// Chunk is the audio written (and flushed) at once; 0 means 100 ms.
	Chunk time.Duration
	// Records is what the fake keeps of its traffic for tests to read:
	// the newest by default; the fakes behind `switchboard fakes`, the
	// benchmark and the demo keep nothing.
	Records recent.Policy
}

// Request is one speech request the fake received.
type Request struct {
	Model          string
	Input          string
	Voice          string
	ResponseFormat string
	Speed          float64
	Instructions   string
	Raw            string
}

// Voices are the built-in voices the fake accepts.
var Voices = []string{"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse", "marin", "cedar"}

// Fake is the fake service: an http.Handler serving /audio/speech under
// any path prefix.
type Fake struct {
	opts    Options
	faults  fault.Injector
	handler http.Handler

	wg       sync.WaitGroup // handlers streaming
	mu       sync.Mutex
	closed   bool
	requests []Request
	active   int
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
	f.handler = f.faults.Middleware(errorBody, http.HandlerFunc(f.serve))
	return f
}

// Faults is the fake's fault injector: one fault per request.
func (f *Fake) Faults() *fault.Injector { return &f.faults }

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

// Requests returns a copy of the requests received, oldest first.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// Active is the number of responses being streamed now.
func (f *Fake) Active() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.active
}

// errorBody is the service's error shape.
func errorBody(k fault.Kind) []byte {
	switch k {
	case fault.Unauthorized:
		return apiError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
	case fault.RateLimited:
		return apiError("Rate limit reached for requests.", "requests", "rate_limit_exceeded")
	default:
		return apiError("The server had an error while processing your request.", "server_error", "")
	}
}

func (f *Fake) keyOK(k string) bool { return k != "" && (f.opts.Key == "" || k == f.opts.Key) }

// Server is a fake listening on loopback.
type Server struct {
	*Fake
	BaseURL string // http://127.0.0.1:port/v1
	stop    func()
}

// Start runs a fake on 127.0.0.1 on a free port.
func Start(o Options) (*Server, error) {
	f := New(o)
	url, stop, err := loopback.Listen(f)
	if err != nil {
		return nil, err
	}
	return &Server{Fake: f, BaseURL: url + "/v1", stop: stop}, nil
}

// Close stops the server, ending the responses in progress.
func (s *Server) Close() {
	s.stop()
	s.Fake.Close()
}

// Close refuses new requests and waits for the responses in progress,
// which end when their connections close.
func (f *Fake) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.wg.Wait()
}

// isSpeechPath reports whether path is /audio/speech under any prefix.
func isSpeechPath(path string) bool {
	return strings.HasSuffix(strings.TrimSuffix(path, "/"), "/audio/speech")
}
