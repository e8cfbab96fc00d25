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
// sessions (S), all under one mutex. A fake embeds it for its exported
// methods; its own code uses Update and Serve, which are functions so that
// they do not join the fake's API.
type Host[S any] struct {
	handler http.Handler
	live    *wsfake.Live
	records recent.Policy

	mu       sync.Mutex
	sessions []*S
}

// NewHost serves requests with serve, behind faults (nil for none)
// answering with faultBody; records is what is kept of the sessions.
func NewHost[S any](records recent.Policy, faults *fault.Injector, faultBody func(fault.Kind) []byte, serve http.HandlerFunc) *Host[S] {
	h := &Host[S]{records: records, handler: serve}
	h.live = wsfake.NewLive(&h.mu)
	if faults != nil {
		h.handler = faults.Middleware(faultBody, serve)
	}
	return h
}

func (h *Host[S]) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.handler.ServeHTTP(w, r) }

// Close ends every live connection and waits for their handlers.
func (h *Host[S]) Close() { h.live.Close() }

// Sessions returns a copy of what the fake has seen, oldest first.
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
func Update[S any](h *Host[S], rec *S, f func(*S)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(rec)
}

// Serve keeps rec, upgrades r and runs the protocol proto makes on the
// connection, timed by t, with the fault r carries; ended runs under the
// lock once the socket is over, or if it never opened.
func Serve[S any](h *Host[S], w http.ResponseWriter, r *http.Request, rec *S, ended func(), t Timing, proto func(*Conn) Protocol) {
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

// Start serves the fake newFake makes from cfg on 127.0.0.1 at a free port;
// stop closes the fake, then the listener.
func Start[C any, F interface {
	http.Handler
	Close()
}](newFake func(C) F, cfg C) (srv F, baseURL string, stop func()) {
	srv = newFake(cfg)
	hs := httptest.NewServer(srv)
	return srv, hs.URL, func() {
		srv.Close()
		hs.Close()
	}
}
