package openaifake

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
)

// Config is what every language model fake takes.
type Config struct {
	Script  Script
	Latency Latency
	Clock   clock.Clock     // nil: the real clock
	Faults  *fault.Injector // nil: a new one, see Faults
	// APIKey is the key clients must present; "" accepts any key or none,
	// like a self-hosted server started without one.
	APIKey string
	// Records is what the fake keeps of its traffic for tests to read:
	// the newest by default; the fakes behind `switchboard fakes`, the
	// benchmark and the demo keep nothing.
	Records recent.Policy
}

// Request is a request a fake received.
type Request struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         []byte
}

// Base is what the language model fakes share: the compiled script,
// latencies, faults, the record of requests and the streams in flight.
type Base struct {
	responder *Responder
	latency   Latency
	clock     clock.Clock
	faults    *fault.Injector
	apiKey    string

	mu      sync.Mutex
	reqs    []Request
	records recent.Policy
	active  int
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup
}

// maxBody bounds a recorded request body.
const maxBody = 32 << 20

// NewBase compiles cfg's script.
func NewBase(cfg Config) (*Base, error) {
	resp, err := cfg.Script.Compile()
	if err != nil {
		return nil, err
	}
	b := &Base{responder: resp, latency: cfg.Latency, clock: cfg.Clock, faults: cfg.Faults, apiKey: cfg.APIKey, records: cfg.Records, done: make(chan struct{})}
	if b.clock == nil {
		b.clock = clock.Real{}
	}
	if b.faults == nil {
		b.faults = &fault.Injector{}
	}
	return b, nil
}

// Handler records each request, applies its fault (errBody gives the
// service's error body for a status fault) and serves the rest with h.
func (b *Base) Handler(errBody func(fault.Kind) []byte, h http.HandlerFunc) http.Handler {
	inner := b.faults.Middleware(errBody, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			http.Error(w, "fake closed", http.StatusServiceUnavailable)
			return
		}
		b.wg.Add(1)
		b.mu.Unlock()
		defer b.wg.Done()
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		r.Body = io.NopCloser(bytes.NewReader(body))
		// Recorded before it counts as active: a test that saw it active
		// finds it in Requests.
		b.mu.Lock()
		b.reqs = recent.Append(b.records, b.reqs, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		b.active++
		b.mu.Unlock()
		defer func() {
			b.mu.Lock()
			b.active--
			b.mu.Unlock()
		}()
		inner.ServeHTTP(w, r)
	})
}

// KeyOK reports whether a presented key is accepted.
func (b *Base) KeyOK(key string) bool { return b.apiKey == "" || key == b.apiKey }

// KeyRequired reports whether requests must carry a key.
func (b *Base) KeyRequired() bool { return b.apiKey != "" }

// Respond answers an exchange from the script.
func (b *Base) Respond(x Exchange) Reply { return b.responder.Respond(x) }

// Now is the fake's clock reading.
func (b *Base) Now() time.Time { return b.clock.Now() }

// Requests returns the requests received so far, oldest first.
func (b *Base) Requests() []Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Request(nil), b.reqs...)
}

// Active reports how many requests are being served, e.g. to see that a
// client's cancellation reached the server.
func (b *Base) Active() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.active
}

// Faults is the injector whose faults the fake applies.
func (b *Base) Faults() *fault.Injector { return b.faults }

// Close ends the streams in flight (stalled ones included), refuses new
// requests and waits for the handlers to return.
func (b *Base) Close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.done)
	}
	b.mu.Unlock()
	b.wg.Wait()
}
