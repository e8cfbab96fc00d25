package vonage

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

const webhookTimeout = 10 * time.Second

func forbidden() error { return server.Detail(fiber.StatusForbidden, "invalid Vonage signature") }

// e164 writes a Vonage number (digits, no plus) as E.164.
func e164(n string) string {
	if n == "" || strings.HasPrefix(n, "+") {
		return n
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return n // a SIP URI or a client name
		}
	}
	return "+" + n
}

// vonageNumber writes E.164 as Vonage wants it.
func vonageNumber(n string) string { return strings.TrimPrefix(n, "+") }

// signed checks a webhook's JWT with one account's signature secret, and
// a POST body against its payload_hash.
func (g *Gateway) signed(c *fiber.Ctx, acct *telephony.VonageAccount) bool {
	if acct == nil {
		return false
	}
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok {
		return false
	}
	claims, err := VerifyCallback(acct.SignatureSecret, token, g.cfg.Now(), g.cfg.Tolerance)
	if err != nil {
		return false
	}
	if claims.ApplicationID != "" && acct.ApplicationID != "" && claims.ApplicationID != acct.ApplicationID {
		return false
	}
	if c.Method() == fiber.MethodPost && claims.PayloadHash != "" &&
		subtle.ConstantTimeCompare([]byte(claims.PayloadHash), []byte(PayloadHash(c.Body()))) != 1 {
		return false
	}
	return true
}

// account finds the configured account that signed a webhook.
func (g *Gateway) account(ctx context.Context, c *fiber.Ctx) (telephony.Credentials, bool) {
	cr, ok, err := g.keyring.Find(ctx, func(cr telephony.Credentials) bool { return g.signed(c, cr.Vonage) })
	if err != nil {
		g.cfg.Log.Error("reading Vonage credentials", "err", err)
	}
	return cr, ok
}

// callParams are the answer URL's parameters (query for GET, JSON for POST).
type callParams struct {
	To   string `json:"to"`
	From string `json:"from"`
	UUID string `json:"uuid"`
}

func readParams(c *fiber.Ctx) callParams {
	var p callParams
	if c.Method() == fiber.MethodPost {
		_ = json.Unmarshal(c.Body(), &p)
	} else {
		p = callParams{To: c.Query("to"), From: c.Query("from"), UUID: c.Query("uuid")}
	}
	p.To, p.From = e164(strings.Clone(p.To)), e164(strings.Clone(p.From))
	p.UUID = strings.Clone(p.UUID)
	return p
}

type ncco []map[string]any

func answerNCCO(c *fiber.Ctx, actions ncco) error { return c.JSON(actions) }

// answer returns the call's NCCO: the media websocket, a transfer for
// bypass callers, or a spoken refusal.
func (g *Gateway) answer(c *fiber.Ctx) error {
	p := readParams(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	tk := telephony.Ticket{Carrier: telephony.Vonage, CallID: p.UUID, From: p.From, To: p.To, Direction: telephony.Inbound}
	q := telephony.Lookup{Carrier: telephony.Vonage, Number: p.To, Caller: p.From}
	if t := c.Query("t"); t != "" { // a call the engine placed
		placed, err := g.cfg.Tickets.Open(t)
		if err != nil || placed.Carrier != telephony.Vonage || placed.Direction != telephony.Outbound {
			return forbidden()
		}
		tk.From, tk.To, tk.Direction, tk.Dial = placed.From, placed.To, telephony.Outbound, placed.Dial
		q = telephony.Lookup{Carrier: telephony.Vonage, Number: placed.From, Caller: placed.To,
			OrganizationID: placed.OrganizationID, AssistantID: placed.AssistantID, Dial: placed.Dial}
	}
	route, err := telephony.Resolve(ctx, g.cfg.Directory, q)
	if err != nil {
		text, refused := telephony.Refusal(err)
		if !refused {
			g.cfg.Log.Error("routing a call: refusing it", "call_sid", p.UUID, "err", err)
			text = telephony.RefusalUnavailable
		}
		if _, ok := g.account(ctx, c); !ok {
			return forbidden()
		}
		g.cfg.Log.Info("call refused", "call_sid", p.UUID, "to", q.Number, "reason", err)
		return answerNCCO(c, ncco{{"action": "talk", "text": text}})
	}
	if !g.signed(c, route.Credentials.Vonage) {
		return forbidden()
	}
	if g.cfg.Replayed(ctx, telephony.Vonage, p.UUID) {
		g.cfg.Log.Warn("answer webhook for a call that exists: no second call", "call_sid", p.UUID)
		return answerNCCO(c, ncco{}) // nothing to do: the call ends
	}
	if to, ok := telephony.Bypass(route.Snapshot, q.Caller); ok {
		g.cfg.Log.Info("bypass caller transferred", "call_sid", p.UUID, "assistant_id", route.AssistantID)
		return answerNCCO(c, ncco{connectPhone(q.Number, to)})
	}
	tk.OrganizationID, tk.AssistantID = route.OrganizationID, route.AssistantID
	tk.Expires = g.cfg.Tickets.Now().Add(g.cfg.TicketTTL)
	ticket, err := g.cfg.Tickets.Seal(tk)
	if err != nil {
		return forbidden()
	}
	return answerNCCO(c, ncco{g.connectStream(ticket)})
}

func (g *Gateway) connectStream(ticket string) map[string]any {
	return map[string]any{"action": "connect", "endpoint": []map[string]any{{
		"type": "websocket", "uri": g.cfg.Public.WS(PathStream) + "?t=" + ticket, "content-type": contentType}}}
}

func connectPhone(from, to string) map[string]any {
	return map[string]any{"action": "connect", "from": vonageNumber(from),
		"endpoint": []map[string]any{{"type": "phone", "number": vonageNumber(to)}}}
}

// callEvent is an event webhook.
type callEvent struct {
	UUID      string `json:"uuid"`
	Status    string `json:"status"`
	Direction string `json:"direction"`
	From      string `json:"from"`
	To        string `json:"to"`
	Timestamp string `json:"timestamp"`
	Duration  string `json:"duration"`
}

// event records a call's status events.
func (g *Gateway) event(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	acct, ok := g.account(ctx, c)
	if !ok {
		return forbidden()
	}
	var ev callEvent
	if err := json.Unmarshal(c.Body(), &ev); err != nil {
		return server.Detail(fiber.StatusBadRequest, "not a Vonage event")
	}
	if ev.Status == "human" || ev.Status == "machine" {
		g.answeredBy(ev.UUID, ev.Status)
		return c.SendStatus(fiber.StatusNoContent)
	}
	if ev.Status == "" || g.cfg.Status == nil {
		return c.SendStatus(fiber.StatusNoContent) // input and other events carry no status
	}
	st := telephony.CallStatus{Carrier: telephony.Vonage, CallID: ev.UUID, OrganizationID: acct.OrganizationID,
		Status: vonageStatus(ev.Status), CarrierStatus: ev.Status, From: e164(ev.From), To: e164(ev.To), At: g.cfg.Now()}
	if st.Status == "" {
		return c.SendStatus(fiber.StatusNoContent)
	}
	switch ev.Direction {
	case "inbound":
		st.Direction = telephony.Inbound
	case "outbound":
		st.Direction = telephony.Outbound
	}
	if at, err := time.Parse(time.RFC3339Nano, ev.Timestamp); err == nil {
		st.At = at
	}
	if d, err := strconv.Atoi(ev.Duration); err == nil && d >= 0 {
		st.Duration = time.Duration(d) * time.Second
	}
	if err := g.cfg.Status.RecordStatus(ctx, st); err != nil {
		g.cfg.Log.Error("recording a call status", "call_sid", ev.UUID, "err", err)
		return fiber.ErrServiceUnavailable
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func vonageStatus(s string) string {
	switch s {
	case "started":
		return telephony.StatusQueued
	case "ringing", "completed", "busy", "failed":
		return s
	case "answered":
		return telephony.StatusInProgress
	case "timeout", "unanswered":
		return telephony.StatusNoAnswer
	case "cancelled":
		return telephony.StatusCanceled
	case "rejected":
		return telephony.StatusFailed
	}
	return "" // human, machine, transfer…: not a call status
}

// answeredBy takes what Vonage's machine detection found on a call this
// node runs: human or machine.
func (g *Gateway) answeredBy(uuid, status string) {
	who := turn.AnsweredByHuman
	if status == "machine" {
		who = turn.AnsweredByMachine
	}
	g.cfg.Log.Debug("answering-machine detection", "call_sid", uuid, "result", status)
	if live, ok := g.cfg.Calls.Get(uuid); ok {
		live.AnsweredBy(who)
	}
}
