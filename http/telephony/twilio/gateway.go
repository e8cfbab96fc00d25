package twilio

import (
	"net/http"
	"time"

	"github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Routes.
const (
	PathVoice           = "/telephony/twilio/voice"
	PathStream          = "/telephony/twilio/stream"
	PathStatus          = "/telephony/twilio/status"
	PathAMD             = "/telephony/twilio/amd"
	PathTransferAgent   = "/telephony/twilio/transfer/agent"
	PathTransferConfirm = "/telephony/twilio/transfer/confirm"
	PathTransferResult  = "/telephony/twilio/transfer/result"
)

// DefaultAPI is Twilio's REST API.
const DefaultAPI = "https://api.twilio.com"

// Config configures the gateway.
type Config struct {
	telephony.Deps
	// APIBaseURL is Twilio's REST API [DefaultAPI]; tests point it at a fake.
	APIBaseURL string
	// HTTPClient makes REST requests [a client with a 15 s timeout].
	HTTPClient *http.Client
	// Stream bounds the media streams (Carrier and Log are set here).
	Stream telephony.StreamConfig
	// TicketTTL bounds the time from the answer to the stream's start [2 min].
	TicketTTL time.Duration
	// AgentTimeout is how long a warm transfer rings the agent [25 s].
	AgentTimeout time.Duration
}

// Gateway is the Twilio gateway.
type Gateway struct {
	cfg      Config
	api      *client
	keyring  *telephony.Keyring
	upgrades *upgradeKeys
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
	if cfg.AgentTimeout <= 0 {
		cfg.AgentTimeout = 25 * time.Second
	}
	cfg.Stream.Carrier = telephony.Twilio
	cfg.Stream.Log = cfg.Log
	cfg.Log = cfg.Log.With("carrier", telephony.Twilio)
	kr := telephony.NewKeyring(cfg.Directory, telephony.Twilio)
	return &Gateway{cfg: cfg, api: &client{base: cfg.APIBaseURL, http: cfg.HTTPClient}, keyring: kr,
		upgrades: newUpgradeKeys(kr, cfg.Public.WS(PathStream))}, nil
}

// Mount registers the gateway's routes.
func (g *Gateway) Mount(r openapi.Router) {
	r.Post(PathVoice, docVoice, g.voice)
	r.Post(PathStatus, docStatus, g.status)
	r.Post(PathAMD, docAMD, g.amd)
	r.Post(PathTransferAgent, docAgent, g.transferAgent)
	r.Post(PathTransferConfirm, docConfirm, g.transferConfirm)
	r.Post(PathTransferResult, docResult, g.transferResult)
	r.Get(PathStream, docStream, g.upgrade, websocket.New(g.stream, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler:   telephony.RecoverStream(g.cfg.Log),
	}))
}
