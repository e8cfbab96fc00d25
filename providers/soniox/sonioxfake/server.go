package sonioxfake

import (
	"encoding/json"
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
	// Key is the API key accepted; "" accepts any non-empty key.
	Key string
	// Clock times Delay and IdleTimeout [clock.Real].
	Clock clock.Clock
	// Delay holds back every response this long after the input that
	// caused it: the service's processing latency [0].
	Delay time.Duration
	// IdleTimeout ends a connection that received nothing for this long
	// with error 408 [20 s].
	IdleTimeout time.Duration
	// ResponseInterval is how often, in audio, a response goes out when no
	// token became final [120 ms].
	ResponseInterval time.Duration
	// EndpointSilence is the silence after a word at which <end> comes
	// with endpoint detection [500 ms].
	EndpointSilence time.Duration
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
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&c.IdleTimeout, 20*time.Second)
	set(&c.ResponseInterval, 120*time.Millisecond)
	set(&c.EndpointSilence, 500*time.Millisecond)
	return c
}

// Session records one websocket that got past fault injection.
type Session struct {
	Start      StartRequest // the start request, once read
	BearerAuth bool         // the key came in the Authorization header
	Error      int          // the error_code the fake answered, if any
	Audio      time.Duration
	Finalizes  int
	KeepAlives int
	Finished   bool // the client ended the audio
	Ended      bool // the connection is over
}

// Server is the fake: an http.Handler serving /transcribe-websocket under
// any path prefix.
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
	if !strings.HasSuffix(r.URL.Path, "/transcribe-websocket") {
		http.NotFound(w, r)
		return
	}
	rec := &Session{}
	bearer, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	t := sttfake.Timing{
		Clock: s.cfg.Clock, Delay: s.cfg.Delay, IdleTimeout: s.cfg.IdleTimeout,
		IdleCode: websocket.CloseNormalClosure, IdleMessage: errorResponse{408, "Request timeout."},
	}
	sttfake.Serve(s.Host, w, r, rec, func() { rec.Ended = true }, t, func(c *sttfake.Conn) sttfake.Protocol {
		return newSession(s, c, rec, auth{key: bearer, present: hasBearer})
	})
}

// auth is the key the handshake carried.
type auth struct {
	key     string
	present bool
}

// authorized checks a key against Config.Key.
func (s *Server) authorized(key string) bool {
	return sttfake.KeyAccepted(s.cfg.Key, key)
}

// errorResponse is Soniox's error message, sent before it closes.
type errorResponse struct {
	Code    int    `json:"error_code"`
	Message string `json:"error_message"`
}

// faultBody answers an injected error status before the upgrade.
func faultBody(k fault.Kind) []byte {
	b, _ := json.Marshal(errorResponse{k.Status(), http.StatusText(k.Status())})
	return b
}
