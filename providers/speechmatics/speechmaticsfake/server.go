package speechmaticsfake

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
	p := strings.TrimSuffix(r.URL.Path, "/")
	if !strings.HasSuffix(p, "/v2") && !strings.Contains(p, "/v2/") {
		http.NotFound(w, r)
		return
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !sttfake.KeyAccepted(s.cfg.Key, key) {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	rec := &Session{LastSeqNo: -1}
	t := sttfake.Timing{
		Clock: s.cfg.Clock, Delay: s.cfg.Delay, IdleTimeout: s.cfg.IdleTimeout,
		IdleCode:    websocket.ClosePolicyViolation,
		IdleMessage: errorMessage("idle_timeout", "Session idle for too long."),
	}
	sttfake.Serve(s.Host, w, r, rec, func() { rec.Ended = true }, t, func(c *sttfake.Conn) sttfake.Protocol {
		return newSession(s, c, rec)
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
