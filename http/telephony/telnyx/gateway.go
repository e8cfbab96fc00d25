package telnyx

import (
	"net/http"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Routes.
const (
	PathWebhook = "/telephony/telnyx/webhook"
	PathStream  = "/telephony/telnyx/stream"
)

// DefaultAPI is Telnyx's API v2.
const DefaultAPI = "https://api.telnyx.com/v2"

// Config configures the gateway.
type Config struct {
	telephony.Deps
	// APIBaseURL is Telnyx's API [DefaultAPI]; tests point it at a fake.
	APIBaseURL string
	HTTPClient *http.Client // [a client with a 15 s timeout]
	Stream     telephony.StreamConfig
	// Tolerance bounds a webhook's timestamp skew [DefaultTolerance].
	Tolerance time.Duration
	// TicketTTL bounds the time from the answer to the stream's start [2 min].
	TicketTTL time.Duration
	// Now is the clock for timestamps [time.Now].
	Now func() time.Time
}

// Gateway is the Telnyx gateway.
type Gateway struct {
	cfg     Config
	api     *client
	keyring *telephony.Keyring
	keys    keyCache
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
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = DefaultTolerance
	}
	if cfg.TicketTTL <= 0 {
		cfg.TicketTTL = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Stream.Carrier = telephony.Telnyx
	cfg.Stream.Log = cfg.Log
	cfg.Log = cfg.Log.With("carrier", telephony.Telnyx)
	return &Gateway{cfg: cfg, api: &client{base: cfg.APIBaseURL, http: cfg.HTTPClient},
		keyring: telephony.NewKeyring(cfg.Directory, telephony.Telnyx)}, nil
}

// Mount registers the gateway's routes.
func (g *Gateway) Mount(r openapi.Router) {
	r.Post(PathWebhook, docWebhook, g.webhook)
	// The stream's auth token is the ticket sealed into the answer.
	upgrade := telephony.CheckStreamTicket(g.cfg.Tickets, telephony.Telnyx,
		func(c *fiber.Ctx) string { return c.Get(authHeader) }, "invalid stream auth token")
	r.Get(PathStream, docStream, upgrade, websocket.New(g.stream, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler:   telephony.RecoverStream(g.cfg.Log),
	}))
}
