package plivo

import (
	"net/http"
	"time"

	"github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Routes.
const (
	PathAnswer   = "/telephony/plivo/answer"
	PathStream   = "/telephony/plivo/stream"
	PathStatus   = "/telephony/plivo/status"
	PathTransfer = "/telephony/plivo/transfer"
	PathMachine  = "/telephony/plivo/machine"
)

// DefaultAPI is Plivo's REST API.
const DefaultAPI = "https://api.plivo.com"

// Config configures the gateway.
type Config struct {
	telephony.Deps
	APIBaseURL string       // [DefaultAPI]
	HTTPClient *http.Client // [15 s timeout]
	Stream     telephony.StreamConfig
	TicketTTL  time.Duration // answer to stream start [2 min]
}

// Gateway is the Plivo gateway.
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
	cfg.Stream.Carrier = telephony.Plivo
	cfg.Stream.Log = cfg.Log
	cfg.Log = cfg.Log.With("carrier", telephony.Plivo)
	return &Gateway{cfg: cfg, api: &client{base: cfg.APIBaseURL, http: cfg.HTTPClient},
		keyring: telephony.NewKeyring(cfg.Directory, telephony.Plivo)}, nil
}

// Mount registers the gateway's routes.
func (g *Gateway) Mount(r openapi.Router) {
	r.Post(PathAnswer, docAnswer, g.answer)
	r.Post(PathStatus, docStatus, g.status)
	r.Post(PathTransfer, docTransfer, g.transfer)
	r.Post(PathMachine, docMachine, g.machine)
	// Whether Plivo signs the websocket request is not documented; the
	// ticket, sealed into the answer, is what authenticates it.
	upgrade := telephony.CheckStreamTicket(g.cfg.Tickets, telephony.Plivo, telephony.TicketQuery, "invalid stream ticket")
	r.Get(PathStream, docStream, upgrade, websocket.New(g.stream, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler:   telephony.RecoverStream(g.cfg.Log),
	}))
}
