package speechmaticsfake

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
	"github.com/switchboard-voice/switchboard/providers/internal/wsfake"
)

// Config configures a fake; zero fields take the defaults in brackets.
type Config struct {
	// Key is the API key accepted as "Authorization: Bearer <key>"; ""
	// accepts any non-empty key.
	Key string
	// Clock times Delay and IdleTimeout [clock.Real].
	Clock clock.Clock
	// Delay holds back every message this long after the input that caused
	// it: the service's processing latency [0].
	Delay time.Duration
	// IdleTimeout ends a connection that received nothing for this long
	// with Error idle_timeout [1 h, as Speechmatics].
	IdleTimeout time.Duration
	// FinalInterval is how often, in quiet audio, an empty AddTranscript
	// goes out [500 ms].
	FinalInterval time.Duration
	// Faults injects failures; nil for none.
	Faults *fault.Injector
	// Records is what the fake keeps of its traffic for tests to read:
	// the newest by default; the fakes behind `switchboard fakes`, the
	// benchmark and the demo keep nothing.
	Records recent.Policy
}

func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = time.Hour
	}
	if c.FinalInterval <= 0 {
		c.FinalInterval = 500 * time.Millisecond
	}
	return c
}

// Session records one websocket that got past authentication.
type Session struct {
	Start       *StartRecognition // once received
	Error       string            // the Error type the fake answered, if any
	Audio       time.Duration
	AddAudios   int
	LastSeqNo   int // EndOfStream's, -1 before it
	ForceEnds   int
	EndOfStream bool
	Ended       bool
}

// Server is the fake: an http.Handler serving /v2 under any path prefix.
type Server struct {
	cfg     Config
	handler http.Handler
	live    *wsfake.Live

	mu       sync.Mutex
	sessions []*Session
}

// New returns a fake configured by cfg.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg.withDefaults()}
	s.live = wsfake.NewLive(&s.mu)
	s.handler = http.HandlerFunc(s.serve)
	if s.cfg.Faults != nil {
		s.handler = s.cfg.Faults.Middleware(faultBody, s.handler)
	}
	return s
}

// Start serves a new fake on 127.0.0.1 at a free port; stop closes it.
func Start(cfg Config) (srv *Server, baseURL string, stop func()) {
	srv = New(cfg)
	hs := httptest.NewServer(srv)
	return srv, hs.URL, func() {
		srv.Close()
		hs.Close()
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close ends every live connection and waits for their handlers.
func (s *Server) Close() { s.live.Close() }

// Sessions returns a copy of what the fake has seen, oldest first.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, len(s.sessions))
	for i, r := range s.sessions {
		out[i] = *r
	}
	return out
}

func (s *Server) update(rec *Session, f func(*Session)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(rec)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if !strings.HasSuffix(p, "/v2") && !strings.Contains(p, "/v2/") {
		http.NotFound(w, r)
		return
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || key == "" || (s.cfg.Key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.cfg.Key)) != 1) {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	rec := &Session{LastSeqNo: -1}
	s.mu.Lock()
	s.sessions = recent.Append(s.cfg.Records, s.sessions, rec)
	s.mu.Unlock()
	f := fault.FromRequest(r)
	s.live.Serve(w, r, func() { rec.Ended = true }, func(_ context.Context, ws *websocket.Conn) {
		t := sttfake.Timing{
			Clock: s.cfg.Clock, Delay: s.cfg.Delay, IdleTimeout: s.cfg.IdleTimeout,
			IdleCode:    websocket.ClosePolicyViolation,
			IdleMessage: errorMessage("idle_timeout", "Session idle for too long."),
		}
		c := sttfake.NewConn(t, ws, f)
		c.Run(newSession(s, c, rec))
	})
}

// errorMsg is Speechmatics' Error message, sent before it closes.
type errorMsg struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Reason  string `json:"reason"`
}

func errorMessage(typ, reason string) errorMsg { return errorMsg{"Error", typ, reason} }

// faultBody answers an injected error status before the upgrade.
func faultBody(k fault.Kind) []byte { return []byte(http.StatusText(k.Status())) }
