package engine

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/plivo"
	"github.com/switchboard-voice/switchboard/http/telephony/telnyx"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
	"github.com/switchboard-voice/switchboard/http/telephony/vonage"
	"github.com/switchboard-voice/switchboard/http/telephony/web"
	"github.com/switchboard-voice/switchboard/routing"
	"github.com/switchboard-voice/switchboard/sip/gateway"
)

// Gateways are the carriers' webhooks and media streams.
type Gateways struct {
	Twilio *twilio.Gateway
	Telnyx *telnyx.Gateway
	Vonage *vonage.Gateway
	Plivo  *plivo.Gateway
	Web    *web.Gateway
	SIP    *gateway.Gateway // nil unless Config.SIPAddr is set
}

// buildGateways sets up every carrier's gateway over the engine's calls,
// routing and records.
func (e *Engine) buildGateways() error {
	pub, err := telephony.ParsePublicURL(e.cfg.PublicURL)
	if err != nil {
		return fmt.Errorf("engine: public URL: %w", err)
	}
	tickets := telephony.NewTickets(derive(e.cfg.Secret, "media tickets"), nil)
	tickets.UseLedger(e.Store)
	deps := telephony.Deps{
		Calls: e.Calls,
		Directory: drainingDirectory{Directory: &routing.Directory{Store: e.Store, Assistants: e.Assistants,
			Organizations: e.Organizations, Sealer: e.cfg.Sealer, Log: e.Log}, calls: e.Calls},
		Tickets: tickets,
		Hub:     e.Streams,
		Status:  statuses{w: e.Records, e: e},
		Started: e.Store,
		Public:  pub,
		Log:     e.Log,
	}
	apis := e.cfg.CarrierAPIs
	g := &e.Gateways
	if g.Twilio, err = twilio.New(twilio.Config{Deps: deps, APIBaseURL: apis[telephony.Twilio]}); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if g.Telnyx, err = telnyx.New(telnyx.Config{Deps: deps, APIBaseURL: apis[telephony.Telnyx]}); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if g.Vonage, err = vonage.New(vonage.Config{Deps: deps, APIBaseURL: apis[telephony.Vonage]}); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if g.Plivo, err = plivo.New(plivo.Config{Deps: deps, APIBaseURL: apis[telephony.Plivo]}); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if g.Web, err = web.New(web.Config{Deps: deps}); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if e.cfg.SIPAddr != "" {
		return e.startSIP(deps)
	}
	if e.cfg.SIPTLS.Addr != "" {
		return errors.New("engine: the SIP TLS listener needs the SIP listener's address too")
	}
	return nil
}

// startSIP listens for SIP trunks' calls.
func (e *Engine) startSIP(deps telephony.Deps) error {
	cfg := gateway.Config{Calls: e.Calls, Directory: deps.Directory, Trunks: e.Store, Opener: e.cfg.Sealer, Status: deps.Status, Log: e.Log,
		Timings: deps.Hub.Timings()}
	if e.cfg.SIPMediaAddr != "" {
		a, err := netip.ParseAddr(e.cfg.SIPMediaAddr)
		if err != nil {
			return fmt.Errorf("engine: SIP media address: %w", err)
		}
		cfg.MediaAddr = a
	}
	cert, roots, err := e.cfg.SIPTLS.load()
	if err != nil {
		return err
	}
	cfg.TLSRoots = roots
	g, err := gateway.New(cfg)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if err := g.Listen(e.cfg.SIPAddr); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if e.cfg.SIPTLS.Addr != "" {
		if err := g.ListenTLS(e.cfg.SIPTLS.Addr, cert); err != nil {
			_ = g.Close(context.Background())
			return fmt.Errorf("engine: %w", err)
		}
	}
	e.Gateways.SIP = g
	return nil
}

// trunkDialer places calls through SIP trunks, nil without the listener
// (never a nil *gateway.Gateway in the interface).
func (e *Engine) trunkDialer() trunkDialer {
	if e.Gateways.SIP == nil {
		return nil
	}
	return e.Gateways.SIP
}

func (g *Gateways) mount(r openapi.Router) {
	g.Twilio.Mount(r)
	g.Telnyx.Mount(r)
	g.Vonage.Mount(r)
	g.Plivo.Mount(r)
	g.Web.Mount(r)
}

// drainingDirectory routes no new call while the engine drains, so that
// carriers play their callers a refusal instead of dropping them.
type drainingDirectory struct {
	telephony.Directory
	calls *call.Manager
}

func (d drainingDirectory) Route(ctx context.Context, q telephony.Lookup) (*telephony.Route, error) {
	if d.calls.Draining() {
		return nil, telephony.ErrDraining
	}
	return d.Directory.Route(ctx, q)
}
