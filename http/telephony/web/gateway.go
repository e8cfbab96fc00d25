package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

// PathStream is the web call websocket.
const PathStream = "/telephony/web/stream"

// Format is the audio both ways.
var Format = voice.Format{Encoding: voice.PCM16, SampleRate: 16000}

// Config configures the gateway.
type Config struct {
	telephony.Deps
	Stream telephony.StreamConfig
	// TokenTTL bounds the time from issuing a token to connecting [5 min].
	TokenTTL time.Duration
	// Origins, when set, are the browser origins allowed to connect; the
	// token is the credential either way.
	Origins []string
}

// Gateway is the web call gateway.
type Gateway struct{ cfg Config }

// New returns a gateway.
func New(cfg Config) (*Gateway, error) {
	if err := cfg.Deps.Check(); err != nil {
		return nil, err
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 5 * time.Minute
	}
	cfg.Stream.Carrier = telephony.Web
	cfg.Stream.Log = cfg.Log
	cfg.Log = cfg.Log.With("carrier", telephony.Web)
	return &Gateway{cfg: cfg}, nil
}

// Mount registers the route.
func (g *Gateway) Mount(r openapi.Router) {
	r.Get(PathStream, docStream, g.upgrade, websocket.New(g.stream, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler:   telephony.RecoverStream(g.cfg.Log),
	}))
}

// Token lets one browser call an assistant, once, before it expires.
type Token struct {
	Token   string    `json:"token"`
	CallID  string    `json:"call_id"`
	URL     string    `json:"url"` // the websocket to open, token included
	Expires time.Time `json:"expires_at"`
}

// Issue mints a web call token for an organization's assistant, which
// must exist and be active (telephony.ErrUnknownNumber, ErrInactive). The
// REST API calls it for an authenticated admin of the organization.
func (g *Gateway) Issue(ctx context.Context, organizationID, assistantID int64) (Token, error) {
	if _, err := telephony.Resolve(ctx, g.cfg.Directory, telephony.Lookup{Carrier: telephony.Web,
		OrganizationID: organizationID, AssistantID: assistantID}); err != nil {
		return Token{}, err
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	tk := telephony.Ticket{Carrier: telephony.Web, CallID: "web-" + hex.EncodeToString(id), OrganizationID: organizationID,
		AssistantID: assistantID, Direction: telephony.Inbound, Expires: g.cfg.Tickets.Now().Add(g.cfg.TokenTTL)}
	s, err := g.cfg.Tickets.Seal(tk)
	if err != nil {
		return Token{}, err
	}
	return Token{Token: s, CallID: tk.CallID, Expires: tk.Expires,
		URL: g.cfg.Public.WS(PathStream) + "?" + url.Values{"token": {s}}.Encode()}, nil
}

const tokenKey = "web.token"

// upgrade checks the token (and the origin, if configured) before the
// upgrade: a 403 otherwise.
func (g *Gateway) upgrade(c *fiber.Ctx) error {
	if !websocket.IsWebSocketUpgrade(c) {
		return fiber.ErrUpgradeRequired
	}
	if len(g.cfg.Origins) > 0 && !slices.Contains(g.cfg.Origins, c.Get(fiber.HeaderOrigin)) {
		return server.Detail(fiber.StatusForbidden, "origin not allowed")
	}
	token := c.Query("token")
	if tk, err := g.cfg.Tickets.Open(token); err != nil || tk.Carrier != telephony.Web {
		return server.Detail(fiber.StatusForbidden, "invalid or expired token")
	}
	c.Locals(tokenKey, token)
	return c.Next()
}
