package vonage

import (
	"net/http"
	"time"

	"github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

// Routes.
const (
	PathAnswer = "/telephony/vonage/answer"
	PathEvent  = "/telephony/vonage/event"
	PathStream = "/telephony/vonage/stream"
)

// DefaultAPI is the Voice API.
const DefaultAPI = "https://api.nexmo.com"

// Format is the stream's audio both ways: linear PCM16 at 16 kHz, which
// the engine's providers take directly.
var Format = voice.Format{Encoding: voice.PCM16, SampleRate: 16000}

// contentType names Format in an NCCO.
const contentType = "audio/l16;rate=16000"

// Config configures the gateway.
type Config struct {
	telephony.Deps
	APIBaseURL string       // [DefaultAPI]
	HTTPClient *http.Client // [15 s timeout]
	Stream     telephony.StreamConfig
	TicketTTL  time.Duration // answer to stream start [2 min]
	// Tolerance bounds a signed callback's issue time [5 min].
	Tolerance time.Duration
	Now       func() time.Time // [time.Now]
}

// Gateway is the Vonage gateway.
type Gateway struct {
	cfg     Config
	api     *client
	keyring *telephony.Keyring
}

// New returns a gateway.
func New(cfg Config) (*Gateway, error) {
	if err := cfg.Deps.Check(); err != nil {
		return nil, err
	}
	if cfg.APIBaseURL == "" {
		cfg.APIBaseURL = DefaultAPI
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.TicketTTL <= 0 {
		cfg.TicketTTL = 2 * time.Minute
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Stream.Carrier = telephony.Vonage
	cfg.Stream.Log = cfg.Log
	cfg.Log = cfg.Log.With("carrier", telephony.Vonage)
	return &Gateway{cfg: cfg, api: &client{base: cfg.APIBaseURL, http: cfg.HTTPClient, now: cfg.Now},
		keyring: telephony.NewKeyring(cfg.Directory, telephony.Vonage)}, nil
}

// Mount registers the gateway's routes.
func (g *Gateway) Mount(r openapi.Router) {
	r.Get(PathAnswer, docAnswerGet, g.answer)
	r.Post(PathAnswer, docAnswer, g.answer)
	r.Post(PathEvent, docEvent, g.event)
	// Vonage does not sign the websocket request; the ticket was sealed
	// into the NCCO.
	upgrade := telephony.CheckStreamTicket(g.cfg.Tickets, telephony.Vonage, telephony.TicketQuery, "invalid stream ticket")
	r.Get(PathStream, docStream, upgrade, websocket.New(g.stream, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler:   telephony.RecoverStream(g.cfg.Log),
	}))
}
