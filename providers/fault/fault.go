// Package fault injects failures into loopback fakes of provider services,
// on demand: refused connections, error statuses, streams dropped or stalled
// part-way.
package fault

import (
	"fmt"
	"net/http"
	"sync"
)

// Kind is a failure mode.
type Kind int

// Failure modes.
const (
	None         Kind = iota
	Refuse            // the connection is closed without a response
	Unauthorized      // 401
	RateLimited       // 429, with Retry-After
	ServerError       // 500
	Unavailable       // 503
	Drop              // the stream is cut after After messages
	Stall             // the stream stops sending after After messages, connection left open
)

var kindNames = [...]string{"none", "refuse", "unauthorized", "rate-limited", "server-error", "unavailable", "drop", "stall"}

func (k Kind) String() string { return kindNames[k] }

// ParseKind reads a kind by its String name.
func ParseKind(s string) (Kind, error) {
	for k, name := range kindNames {
		if name == s {
			return Kind(k), nil
		}
	}
	return None, fmt.Errorf("fault: unknown kind %q (want one of %v)", s, kindNames)
}

// Status is the HTTP status of an error fault, or 0.
func (k Kind) Status() int {
	switch k {
	case Unauthorized:
		return http.StatusUnauthorized
	case RateLimited:
		return http.StatusTooManyRequests
	case ServerError:
		return http.StatusInternalServerError
	case Unavailable:
		return http.StatusServiceUnavailable
	}
	return 0
}

// Fault is one failure to inject.
type Fault struct {
	Kind  Kind
	After int // for Drop and Stall: messages (or tokens, or chunks) sent first
}

// Injector hands out queued faults, one per request or connection, in
// order; with none queued, requests succeed. It is safe for concurrent use.
type Injector struct {
	mu     sync.Mutex
	queue  []Fault
	always *Fault
}

// Next queues f for the next n requests.
func (i *Injector) Next(f Fault, n int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for range n {
		i.queue = append(i.queue, f)
	}
}

// Always applies f to every request until Reset.
func (i *Injector) Always(f Fault) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.always = &f
}

// Reset clears every fault.
func (i *Injector) Reset() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.queue, i.always = nil, nil
}

// Take returns the fault for the request starting now.
func (i *Injector) Take() Fault {
	i.mu.Lock()
	defer i.mu.Unlock()
	if len(i.queue) > 0 {
		f := i.queue[0]
		i.queue = i.queue[1:]
		return f
	}
	if i.always != nil {
		return *i.always
	}
	return Fault{}
}

// Middleware applies a request's fault if it fails before any response:
// Refuse closes the connection, error kinds answer with their status and
// body(kind). Drop and Stall are left to the handler, which finds the
// fault with FromRequest.
func (i *Injector) Middleware(body func(Kind) []byte, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := i.Take()
		switch {
		case f.Kind == Refuse:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case f.Kind.Status() != 0:
			if f.Kind == RateLimited {
				w.Header().Set("Retry-After", "1")
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.Kind.Status())
			_, _ = w.Write(body(f.Kind))
			return
		}
		next.ServeHTTP(w, r.WithContext(withFault(r.Context(), f)))
	})
}
