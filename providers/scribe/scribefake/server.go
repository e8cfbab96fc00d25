package scribefake

import (
	"net/http"
	"strings"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
)

// Path is the realtime API's path; the fake serves it under any prefix.
const Path = "/v1/speech-to-text/realtime"

// Config configures a fake; zero fields take the defaults in brackets.
type Config struct {
	// Key is the API key accepted in xi-api-key; "" accepts any non-empty
	// key.
	Key string
	// Clock times Delay and IdleTimeout [clock.Real].
	Clock clock.Clock
	// Delay holds back every message this long after the input that caused
	// it: the service's processing latency [0].
	Delay time.Duration
	// IdleTimeout ends a connection that received nothing for this long
	// [3 min].
	IdleTimeout time.Duration
	// PartialEvery is how often, in audio time, an open segment's partial
	// is sent again [1 s].
	PartialEvery time.Duration
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
		c.IdleTimeout = 3 * time.Minute
	}
	if c.PartialEvery <= 0 {
		c.PartialEvery = time.Second
	}
	return c
}

// Session records one websocket that got past authentication.
type Session struct {
	Query   Query  // the handshake's configuration
	Error   string // the error kind the fake answered, if any
	Audio   time.Duration
	Chunks  int
	Commits int // commits received
	Ended   bool
}

// Server is the fake: an http.Handler serving Path under any prefix.
type Server struct {
	*sttfake.Host[Session]
	cfg Config
}

// New returns a fake configured by cfg.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg.withDefaults()}
	s.Host = sttfake.NewHost[Session](s.cfg.Records, s.cfg.Faults, faultBody, s.serve)
	return s
}

// Start serves a new fake on 127.0.0.1 at a free port; stop closes it.
func Start(cfg Config) (srv *Server, baseURL string, stop func()) { return sttfake.Start(New, cfg) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), Path) {
		http.NotFound(w, r)
		return
	}
	key := r.Header.Get("xi-api-key")
	if !sttfake.KeyAccepted(s.cfg.Key, key) {
		http.Error(w, `{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}`, http.StatusUnauthorized)
		return
	}
	q, problem := parseQuery(r.URL.Query())
	rec := &Session{Query: q}
	t := sttfake.Timing{
		Clock: s.cfg.Clock, Delay: s.cfg.Delay, IdleTimeout: s.cfg.IdleTimeout,
		IdleCode:    websocket.ClosePolicyViolation,
		IdleMessage: errorMessage("session_time_limit_exceeded", "No audio received for too long."),
	}
	sttfake.Serve(s.Host, w, r, rec, func() { rec.Ended = true }, t, func(c *sttfake.Conn) sttfake.Protocol {
		return newSession(s, c, rec, problem)
	})
}

// errorMsg is Scribe's error message, sent before it closes.
type errorMsg struct {
	MessageType string `json:"message_type"`
	Error       string `json:"error"`
}

func errorMessage(kind, msg string) errorMsg { return errorMsg{kind, msg} }

// faultBody answers an injected error status before the upgrade.
func faultBody(k fault.Kind) []byte {
	return []byte(`{"detail":{"status":"error","message":"` + http.StatusText(k.Status()) + `"}}`)
}
