package api

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/sip/gateway"
)

// trunkWrite is a POST /sip-trunks or PUT /sip-trunks/{id} body: the whole
// trunk. A PUT that sends a password as ******** (as a GET shows it) keeps
// the stored one.
type trunkWrite struct {
	Name        string  `json:"name" check:"required,maxlen=200"`
	Description *string `json:"description" check:"maxlen=1000"`
	IsActive    *bool   `json:"is_active"`
	// AllowedAddresses are the addresses (IPv4/IPv6, or networks in CIDR
	// notation) the trunk's INVITEs may come from; empty: any address,
	// with digest credentials.
	AllowedAddresses []string `json:"allowed_addresses"`
	InboundUsername  *string  `json:"inbound_username" check:"maxlen=200"`
	InboundPassword  *string  `json:"inbound_password" check:"maxlen=200"`
	// The outbound side (calls the engine places through the trunk).
	OutboundAddress   *string `json:"outbound_address" check:"maxlen=255"`
	OutboundTransport *string `json:"outbound_transport" check:"enum=udp|tcp|tls"`
	OutboundUsername  *string `json:"outbound_username" check:"maxlen=200"`
	OutboundPassword  *string `json:"outbound_password" check:"maxlen=200"`
	CallerID          *string `json:"caller_id" check:"e164"`
}

// trunkView is a trunk as the API shows it: passwords masked.
type trunkView struct {
	ID                int64     `json:"id"`
	OrganizationID    int64     `json:"organization_id"`
	Name              string    `json:"name"`
	Description       *string   `json:"description"`
	IsActive          bool      `json:"is_active"`
	AllowedAddresses  []string  `json:"allowed_addresses"`
	InboundUsername   *string   `json:"inbound_username"`
	InboundPassword   *string   `json:"inbound_password"`
	OutboundAddress   *string   `json:"outbound_address"`
	OutboundTransport string    `json:"outbound_transport"`
	OutboundUsername  *string   `json:"outbound_username"`
	OutboundPassword  *string   `json:"outbound_password"`
	CallerID          *string   `json:"caller_id"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

var trunkWriteBody = newStrictBody[trunkWrite]()

func masked(sealed *string) *string {
	if sealed == nil {
		return nil
	}
	m := typeddoc.Mask
	return &m
}

func viewTrunk(t persistence.SIPTrunk) trunkView {
	addrs := make([]string, len(t.AllowedAddresses))
	for i, p := range t.AllowedAddresses {
		addrs[i] = p.String()
		if p.IsSingleIP() {
			addrs[i] = p.Addr().String()
		}
	}
	return trunkView{ID: t.ID, OrganizationID: t.OrganizationID, Name: t.Name, Description: t.Description,
		IsActive: t.IsActive, AllowedAddresses: addrs, InboundUsername: t.InboundUsername,
		InboundPassword: masked(t.InboundPassword), OutboundAddress: t.OutboundAddress,
		OutboundTransport: t.OutboundTransport, OutboundUsername: t.OutboundUsername,
		OutboundPassword: masked(t.OutboundPassword), CallerID: t.CallerID, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// trunkFrom checks a write against the trunk it replaces (nil for a new
// one) and seals its passwords: every problem is reported at once.
func (a *API) trunkFrom(w trunkWrite, old *persistence.SIPTrunk) (persistence.SIPTrunk, error) {
	var problems []assistant.FieldError
	bad := func(field, msg string) {
		problems = append(problems, assistant.FieldError{Loc: []any{field}, Msg: msg, Type: "value_error"})
	}
	t := persistence.SIPTrunk{Name: w.Name, Description: w.Description, IsActive: w.IsActive == nil || *w.IsActive,
		InboundUsername: w.InboundUsername, OutboundTransport: "udp"}
	for i, raw := range w.AllowedAddresses {
		p, err := parseAddress(raw)
		if err != nil {
			problems = append(problems, assistant.FieldError{Loc: []any{"allowed_addresses", i},
				Msg: "must be an IP address or a network in CIDR notation", Type: "value_error"})
			continue
		}
		t.AllowedAddresses = append(t.AllowedAddresses, p)
	}
	var oldIn, oldOut *string
	if old != nil {
		oldIn, oldOut = old.InboundPassword, old.OutboundPassword
	}
	var err error
	if t.InboundPassword, err = a.trunkPassword("inbound", w.InboundUsername, w.InboundPassword, oldIn, bad); err != nil {
		return t, err
	}
	if t.OutboundPassword, err = a.trunkPassword("outbound", w.OutboundUsername, w.OutboundPassword, oldOut, bad); err != nil {
		return t, err
	}
	t.OutboundUsername, t.CallerID = w.OutboundUsername, w.CallerID
	switch {
	case w.OutboundAddress != nil:
		if _, _, err := gateway.TrunkAddress(*w.OutboundAddress); err != nil {
			bad("outbound_address", "must be host or host:port (an IP address or a DNS name; an IPv6 address in brackets with a port)")
		}
		t.OutboundAddress = w.OutboundAddress
	case w.OutboundUsername != nil || w.OutboundTransport != nil || w.CallerID != nil:
		bad("outbound_address", "the outbound settings need the address of the trunk's proxy or registrar")
	}
	if w.OutboundTransport != nil {
		t.OutboundTransport = *w.OutboundTransport
	}
	if len(t.AllowedAddresses) == 0 && w.InboundUsername == nil && len(problems) == 0 {
		bad("allowed_addresses", "a trunk needs allowed_addresses, inbound credentials, or both: the engine is no open relay")
	}
	if len(problems) > 0 {
		return t, validation("body", problems)
	}
	return t, nil
}

// trunkPassword checks one side's (inbound or outbound) credentials and
// seals the password; ******** keeps the stored one (old).
func (a *API) trunkPassword(side string, user, password, old *string, bad func(field, msg string)) (*string, error) {
	field := side + "_password"
	switch {
	case (user == nil) != (password == nil):
		bad(field, side+"_username and "+side+"_password go together")
	case password != nil && *password == typeddoc.Mask:
		if old == nil {
			bad(field, "no password is stored to keep: send the password itself")
		}
		return old, nil
	case password != nil:
		if *password == "" || *user == "" {
			bad(field, "the username and password must not be empty")
			break
		}
		sealed, err := a.Sealer.Seal(*password)
		if err != nil {
			return nil, fail(err, "SIP trunk")
		}
		return &sealed, nil
	}
	return nil, nil
}

// parseAddress reads an IP address or a CIDR network.
func parseAddress(raw string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(raw); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(raw)
	if err != nil {
		return netip.Prefix{}, err
	}
	return p.Masked(), nil
}

func trunkError(err error, id int64) error {
	if errors.Is(err, persistence.ErrNotFound) {
		return server.Detail(fiber.StatusNotFound, fmt.Sprintf("SIP trunk %d not found in your organization", id))
	}
	return fail(err, "SIP trunk")
}

func (a *API) createTrunk(c *fiber.Ctx) error {
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	w, err := trunkWriteBody.parse(body)
	if err != nil {
		return err
	}
	t, err := a.trunkFrom(w, nil)
	if err != nil {
		return err
	}
	t.OrganizationID = principal(c).OrganizationID
	if t, err = a.Store.CreateSIPTrunk(c.UserContext(), t); err != nil {
		return trunkError(err, 0)
	}
	return c.Status(fiber.StatusCreated).JSON(viewTrunk(t))
}

func (a *API) listTrunks(c *fiber.Ctx) error {
	pg, err := pagination(c, listLimits)
	if err != nil {
		return err
	}
	list, total, err := a.Store.ListSIPTrunks(c.UserContext(), principal(c).OrganizationID, pg.Skip, pg.Limit)
	if err != nil {
		return trunkError(err, 0)
	}
	views := make([]trunkView, len(list))
	for i, t := range list {
		views[i] = viewTrunk(t)
	}
	return c.JSON(listPage[trunkView]{Items: views, Total: total, page: pg})
}

// ownedTrunk is the path's trunk once it is the caller's organization's.
func (a *API) ownedTrunk(c *fiber.Ctx) (persistence.SIPTrunk, error) {
	id, err := pathID(c, "trunk_id")
	if err != nil {
		return persistence.SIPTrunk{}, err
	}
	t, err := a.Store.SIPTrunk(c.UserContext(), principal(c).OrganizationID, id)
	if err != nil {
		return persistence.SIPTrunk{}, trunkError(err, id)
	}
	return t, nil
}

func (a *API) getTrunk(c *fiber.Ctx) error {
	t, err := a.ownedTrunk(c)
	if err != nil {
		return err
	}
	return c.JSON(viewTrunk(t))
}

func (a *API) replaceTrunk(c *fiber.Ctx) error {
	old, err := a.ownedTrunk(c)
	if err != nil {
		return err
	}
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	w, err := trunkWriteBody.parse(body)
	if err != nil {
		return err
	}
	t, err := a.trunkFrom(w, &old)
	if err != nil {
		return err
	}
	t.ID, t.OrganizationID = old.ID, old.OrganizationID
	if t, err = a.Store.ReplaceSIPTrunk(c.UserContext(), t); err != nil {
		return trunkError(err, old.ID)
	}
	return c.JSON(viewTrunk(t))
}

func (a *API) deleteTrunk(c *fiber.Ctx) error {
	id, err := pathID(c, "trunk_id")
	if err != nil {
		return err
	}
	if err := a.Store.DeleteSIPTrunk(c.UserContext(), principal(c).OrganizationID, id); err != nil {
		return trunkError(err, id)
	}
	return c.JSON(messageBody{Message: fmt.Sprintf("SIP trunk %d deleted", id)})
}

// setTrunkActive serves enable (true) and disable (false).
func (a *API) setTrunkActive(active bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "trunk_id")
		if err != nil {
			return err
		}
		t, err := a.Store.SetSIPTrunkActive(c.UserContext(), principal(c).OrganizationID, id, active)
		if err != nil {
			return trunkError(err, id)
		}
		return c.JSON(viewTrunk(t))
	}
}

// checkTrunk makes sure a trunk a number is tied to is the caller's
// organization's.
func (a *API) checkTrunk(c *fiber.Ctx, id *int64) error {
	if id == nil {
		return nil
	}
	if _, err := a.Store.SIPTrunk(c.UserContext(), principal(c).OrganizationID, *id); err != nil {
		if errors.Is(err, persistence.ErrNotFound) {
			return validation("body", []assistant.FieldError{{Loc: []any{"sip_trunk_id"}, Msg: "no such SIP trunk in your organization", Type: "value_error"}})
		}
		return trunkError(err, *id)
	}
	return nil
}
