package sttfake

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/providers/internal/wsfake"
)

// Host is what a recogniser fake's server holds besides its protocol: the
// handler behind fault injection, the live sockets and the records of its
// sessions (S), all under one mutex. Its zero value is unusable: Init it.
type Host[S any] struct {
	handler http.Handler
	live    *wsfake.Live
	records recent.Policy

	mu       sync.Mutex
	sessions []*S
}

// Init serves requests with serve, behind faults (nil for none) answering
// with faultBody; records is what is kept of the sessions.
func (h *Host[S]) Init(records recent.Policy, faults *fault.Injector, faultBody func(fault.Kind) []byte, serve http.HandlerFunc) {
	h.records = records
	h.live = wsfake.NewLive(&h.mu)
	h.handler = serve
	if faults != nil {
		h.handler = faults.Middleware(faultBody, serve)
	}
}

func (h *Host[S]) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.handler.ServeHTTP(w, r) }

// Close ends every live connection and waits for their handlers.
func (h *Host[S]) Close() { h.live.Close() }

// Sessions returns a copy of the sessions kept, oldest first.
func (h *Host[S]) Sessions() []S {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]S, len(h.sessions))
	for i, r := range h.sessions {
		out[i] = *r
	}
	return out
}

// Update changes a session record under the lock.
func (h *Host[S]) Update(rec *S, f func(*S)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(rec)
}

// Serve keeps rec, upgrades r and runs the protocol proto makes on the
// connection, timed by t, with the fault r carries; ended runs under the
// lock once the socket is over, or if it never opened.
func (h *Host[S]) Serve(w http.ResponseWriter, r *http.Request, rec *S, ended func(), t Timing, proto func(*Conn) Protocol) {
	h.mu.Lock()
	h.sessions = recent.Append(h.records, h.sessions, rec)
	h.mu.Unlock()
	f := fault.FromRequest(r)
	h.live.Serve(w, r, ended, func(_ context.Context, ws *websocket.Conn) {
		c := NewConn(t, ws, f)
		c.Run(proto(c))
	})
}

// KeyAccepted reports whether a fake configured with want accepts key:
// any non-empty key when want is "".
func KeyAccepted(want, key string) bool {
	return key != "" && (want == "" || subtle.ConstantTimeCompare([]byte(key), []byte(want)) == 1)
}

// Start serves srv on 127.0.0.1 at a free port; stop closes srv, then the
// listener.
func Start(srv interface {
	http.Handler
	Close()
}) (baseURL string, stop func()) {
	hs := httptest.NewServer(srv)
	return hs.URL, func() {
		srv.Close()
		hs.Close()
	}
}
