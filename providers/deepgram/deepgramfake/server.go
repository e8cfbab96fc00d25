package deepgramfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
)

// Config configures a fake; zero fields take the defaults in brackets.
type Config struct {
	// Key is the API key accepted in "Authorization: Token <key>" (or
	// Bearer); "" accepts any non-empty key.
	Key string
	// Clock times Delay and IdleTimeout [clock.Real].
	Clock clock.Clock
	// Delay holds back every server message this long after the audio (or
	// control) that caused it: the service's processing latency. With
	// endpointing E ms, a speech_final reaches the client E ms of audio
	// plus Delay after the last word [0].
	Delay time.Duration
	// IdleTimeout closes a connection that received neither audio nor a
	// text message for this long, with Deepgram's NET-0001 close [10 s].
	IdleTimeout time.Duration
	// Faults injects failures; nil for none.
	Faults *fault.Injector
	// InterimInterval is how often, in audio, v1 sends interim Results
	// while a word is being spoken, besides one at each word's end [250 ms].
	InterimInterval time.Duration
	// MaxSegment is the longest v1 segment: past it a final is sent at the
	// next pause even without an endpoint, and silence is finalized (empty
	// finals) as Deepgram does [3 s].
	MaxSegment time.Duration
	// VADReset is the silence after which speech counts as starting again
	// for SpeechStarted [300 ms].
	VADReset time.Duration
	// NoiseWord, if set, is what noise frames are heard as: a low-confidence
	// filler word (e.g. "um") with NoiseConfidence [none; 0.3].
	NoiseWord       string
	NoiseConfidence float64
	// FluxEOTSilence is the silence after a word at which Flux's
	// end-of-turn confidence reaches 1; it grows linearly before, so
	// eot_threshold 0.7 ends a turn after 0.7×FluxEOTSilence of silence and
	// eager_eot_threshold likewise [500 ms].
	FluxEOTSilence time.Duration
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
	set(&c.IdleTimeout, 10*time.Second)
	set(&c.InterimInterval, 250*time.Millisecond)
	set(&c.MaxSegment, 3*time.Second)
	set(&c.VADReset, 300*time.Millisecond)
	set(&c.FluxEOTSilence, 500*time.Millisecond)
	if c.NoiseConfidence <= 0 {
		c.NoiseConfidence = 0.3
	}
	return c
}

// Session records one websocket request that got past fault injection.
type Session struct {
	Path    string
	Version int // 1 for /v1/listen, 2 for /v2/listen
	Query   url.Values
	Status  int           // 101 if upgraded, else the refusal's status
	Error   string        // the refusal's err_msg
	Audio   time.Duration // audio received
	// control messages received
	KeepAlives, Finalizes, CloseStreams, ForceEndTurns, Configures int
	Ended                                                          bool // the connection is over
}

// Server is the fake: an http.Handler serving /v1/listen and /v2/listen
// under any path prefix, so one server can mount several fakes.
type Server struct {
	cfg      Config
	handler  http.Handler
	upgrader websocket.Upgrader

	mu       sync.Mutex
	sessions []*Session
	conns    map[*websocket.Conn]struct{}
	closed   bool
	requests int // for request IDs
	wg       sync.WaitGroup
}

// New returns a fake configured by cfg.
func New(cfg Config) *Server {
	s := &Server{
		cfg:      cfg.withDefaults(),
		conns:    map[*websocket.Conn]struct{}{},
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
	}
	s.handler = http.HandlerFunc(s.serve)
	if s.cfg.Faults != nil {
		s.handler = s.cfg.Faults.Middleware(faultBody, s.handler)
	}
	return s
}

// Start serves a new fake on 127.0.0.1 at a free port. baseURL is what a
// client takes as its base URL; stop closes the fake and its connections.
func Start(cfg Config) (srv *Server, baseURL string, stop func()) {
	return sttfake.Start(New, cfg)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close cuts every live connection and waits for their handlers. Requests
// after it are refused with 503.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.NetConn().Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Sessions returns a copy of what the fake has seen, oldest first.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, len(s.sessions))
	for i, r := range s.sessions {
		out[i] = *r
		out[i].Query = url.Values{}
		for k, v := range r.Query {
			out[i].Query[k] = append([]string(nil), v...)
		}
	}
	return out
}

// update changes a session under the lock.
func (s *Server) update(rec *Session, f func(*Session)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(rec)
}

// requestID returns a deterministic UUID-shaped id.
func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", s.requests)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	var version int
	switch {
	case strings.HasSuffix(r.URL.Path, "/v1/listen"):
		version = 1
	case strings.HasSuffix(r.URL.Path, "/v2/listen"):
		version = 2
	default:
		http.NotFound(w, r)
		return
	}
	rec := &Session{Path: r.URL.Path, Version: version, Query: r.URL.Query()}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.sessions = recent.Append(s.cfg.Records, s.sessions, rec)
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if closed {
		http.Error(w, "fake closed", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	id := s.requestID()
	refuse := func(status int, code, msg string) {
		s.update(rec, func(r *Session) { r.Status, r.Error = status, msg })
		body, _ := json.Marshal(errorBody{ErrCode: code, ErrMsg: msg, RequestID: id})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("dg-request-id", id)
		w.Header().Set("dg-error", msg)
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	if !s.authorized(r.Header.Get("Authorization")) {
		refuse(http.StatusUnauthorized, "INVALID_AUTH", "Invalid credentials.")
		return
	}
	var (
		lp  listenParams
		fp  fluxParams
		err error
	)
	if version == 1 {
		lp, err = parseListen(rec.Query)
	} else {
		fp, err = parseFlux(rec.Query)
	}
	if err != nil {
		refuse(http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		refuse(http.StatusBadRequest, "Bad Request", "Expected a websocket upgrade.")
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, http.Header{"dg-request-id": {id}})
	if err != nil {
		return // the upgrader answered
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[ws] = struct{}{}
	rec.Status = http.StatusSwitchingProtocols
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, ws)
		rec.Ended = true
		s.mu.Unlock()
		ws.Close()
	}()
	c := newConn(s, ws, rec, id, fault.FromRequest(r))
	if version == 1 {
		c.Run(newListener(&s.cfg, lp, c))
	} else {
		c.Run(newFluxTurns(&s.cfg, fp, c))
	}
}

// authorized checks "Token <key>" or "Bearer <key>".
func (s *Server) authorized(h string) bool {
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || (scheme != "Token" && scheme != "Bearer") {
		return false
	}
	return sttfake.KeyAccepted(s.cfg.Key, key)
}

// errorBody is Deepgram's REST error shape.
type errorBody struct {
	ErrCode   string `json:"err_code"`
	ErrMsg    string `json:"err_msg"`
	RequestID string `json:"request_id"`
}

// faultBody answers an injected error status the way Deepgram does.
func faultBody(k fault.Kind) []byte {
	var e errorBody
	switch k {
	case fault.Unauthorized:
		e = errorBody{ErrCode: "INVALID_AUTH", ErrMsg: "Invalid credentials."}
	case fault.RateLimited:
		e = errorBody{ErrCode: "TOO_MANY_REQUESTS", ErrMsg: "Too many requests. Please try again later."}
	case fault.Unavailable:
		e = errorBody{ErrCode: "SERVICE_UNAVAILABLE", ErrMsg: "The service is temporarily unavailable."}
	default:
		e = errorBody{ErrCode: "INTERNAL_SERVER_ERROR", ErrMsg: "An internal server error occurred."}
	}
	e.RequestID = "00000000-0000-4000-8000-fa0175000000"
	b, _ := json.Marshal(e)
	return b
}
