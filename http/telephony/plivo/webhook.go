package plivo

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

const webhookTimeout = 10 * time.Second

// request is a webhook as signed, copied out of the Fiber context.
type request struct {
	url, method, nonce, signature string
	params                        []Param
	values                        map[string]string
}

func readRequest(c *fiber.Ctx, pub telephony.PublicURL) *request {
	r := &request{url: pub.Request(string(c.Request().RequestURI())), method: c.Method(),
		nonce: c.Get("X-Plivo-Signature-V3-Nonce"), signature: c.Get("X-Plivo-Signature-V3"), values: map[string]string{}}
	for k, v := range c.Request().PostArgs().All() {
		p := Param{Name: string(k), Value: string(v)}
		r.params = append(r.params, p)
		if _, dup := r.values[p.Name]; !dup {
			r.values[p.Name] = p.Value
		}
	}
	return r
}

func (r *request) get(name string) string { return r.values[name] }

func (r *request) signedBy(token string) bool {
	return ValidV3(token, r.url, r.method, r.nonce, r.params, r.signature)
}

func forbidden() error { return server.Detail(fiber.StatusForbidden, "invalid Plivo signature") }

// account finds the configured account that signed a request.
func (g *Gateway) account(ctx context.Context, r *request) (telephony.Credentials, bool) {
	c, ok, err := g.keyring.Find(ctx, func(c telephony.Credentials) bool {
		return c.Plivo != nil && r.signedBy(c.Plivo.AuthToken)
	})
	if err != nil {
		g.cfg.Log.Error("reading Plivo credentials", "err", err)
	}
	return c, ok
}

func plivoXML(c *fiber.Ctx, body string) error {
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.SendString(`<?xml version="1.0" encoding="UTF-8"?><Response>` + body + `</Response>`)
}

func speak(text string) string { return "<Speak>" + telephony.XMLText(text) + "</Speak>" }

func dial(to string) string { return "<Dial><Number>" + telephony.XMLText(to) + "</Number></Dial>" }

// answer answers the application's answer URL: the bidirectional stream,
// a transfer for bypass callers, or a spoken refusal.
func (g *Gateway) answer(c *fiber.Ctx) error {
	r := readRequest(c, g.cfg.Public)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	tk := telephony.Ticket{Carrier: telephony.Plivo, CallID: r.get("CallUUID"), From: r.get("From"), To: r.get("To"),
		Direction: telephony.Inbound}
	q := telephony.Lookup{Carrier: telephony.Plivo, Number: tk.To, Caller: tk.From}
	if t := c.Query("t"); t != "" { // a call the engine placed
		placed, err := g.cfg.Tickets.Open(t)
		if err != nil || placed.Carrier != telephony.Plivo || placed.Direction != telephony.Outbound {
			return forbidden()
		}
		tk.From, tk.To, tk.Direction, tk.Dial = placed.From, placed.To, telephony.Outbound, placed.Dial
		q = telephony.Lookup{Carrier: telephony.Plivo, Number: placed.From, Caller: placed.To,
			OrganizationID: placed.OrganizationID, AssistantID: placed.AssistantID, Dial: placed.Dial}
	}
	route, err := telephony.Resolve(ctx, g.cfg.Directory, q)
	if err != nil {
		text, refused := telephony.Refusal(err)
		if !refused {
			g.cfg.Log.Error("routing a call: refusing it", "call_sid", tk.CallID, "err", err)
			text = telephony.RefusalUnavailable
		}
		if _, ok := g.account(ctx, r); !ok {
			return forbidden()
		}
		g.cfg.Log.Info("call refused", "call_sid", tk.CallID, "to", q.Number, "reason", err)
		return plivoXML(c, speak(text)+"<Hangup/>")
	}
	if route.Credentials.Plivo == nil || !r.signedBy(route.Credentials.Plivo.AuthToken) {
		return forbidden()
	}
	if g.cfg.Replayed(ctx, telephony.Plivo, tk.CallID) {
		g.cfg.Log.Warn("answer webhook for a call that exists: no second call", "call_sid", tk.CallID)
		return plivoXML(c, "<Hangup/>")
	}
	if to, ok := telephony.Bypass(route.Snapshot, q.Caller); ok {
		g.cfg.Log.Info("bypass caller transferred", "call_sid", tk.CallID, "assistant_id", route.AssistantID)
		return plivoXML(c, dial(to))
	}
	tk.OrganizationID, tk.AssistantID = route.OrganizationID, route.AssistantID
	tk.Expires = g.cfg.Tickets.Now().Add(g.cfg.TicketTTL)
	ticket, err := g.cfg.Tickets.Seal(tk)
	if err != nil {
		return forbidden()
	}
	// keepCallAlive: the call lasts as long as the stream; bidirectional
	// streams must take the inbound track; μ-law both ways, no transcoding.
	return plivoXML(c, `<Stream bidirectional="true" keepCallAlive="true" audioTrack="inbound" `+
		`contentType="audio/x-mulaw;rate=8000">`+telephony.XMLText(g.cfg.Public.WS(PathStream)+"?t="+ticket)+`</Stream>`)
}

// status records hang-up and status callbacks.
func (g *Gateway) status(c *fiber.Ctx) error {
	r := readRequest(c, g.cfg.Public)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	acct, ok := g.account(ctx, r)
	if !ok {
		return forbidden()
	}
	st := telephony.CallStatus{Carrier: telephony.Plivo, CallID: r.get("CallUUID"), OrganizationID: acct.OrganizationID,
		Status: plivoStatus(r.get("CallStatus")), CarrierStatus: r.get("CallStatus"), From: r.get("From"), To: r.get("To"),
		At: time.Now()}
	if cause := r.get("HangupCause"); cause != "" {
		st.CarrierStatus += ":" + cause
	}
	switch d := strings.ToLower(r.get("Direction")); {
	case d == "inbound":
		st.Direction = telephony.Inbound
	case strings.HasPrefix(d, "outbound"):
		st.Direction = telephony.Outbound
	}
	if d, err := strconv.Atoi(r.get("Duration")); err == nil && d >= 0 {
		st.Duration = time.Duration(d) * time.Second
	}
	if g.cfg.Status != nil {
		if err := g.cfg.Status.RecordStatus(ctx, st); err != nil {
			g.cfg.Log.Error("recording a call status", "call_sid", st.CallID, "err", err)
			return fiber.ErrServiceUnavailable
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func plivoStatus(s string) string {
	switch s {
	case "in-progress", "ringing", "completed", "busy", "failed":
		return s
	case "no-answer", "timeout":
		return telephony.StatusNoAnswer
	case "cancel", "canceled":
		return telephony.StatusCanceled
	}
	return telephony.StatusCompleted
}

// transfer answers the XML a transferred call fetches: dial the number
// the ticket's transfer named.
func (g *Gateway) transfer(c *fiber.Ctx) error {
	r := readRequest(c, g.cfg.Public)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	tk, err := g.cfg.Tickets.Open(c.Query("t"))
	to := c.Query("to")
	if err != nil || tk.Carrier != telephony.Plivo || to == "" {
		return forbidden()
	}
	route, err := g.cfg.Directory.Route(ctx, telephony.TicketLookup(telephony.Plivo, tk))
	if err != nil || route.Credentials.Plivo == nil || !r.signedBy(route.Credentials.Plivo.AuthToken) {
		return forbidden()
	}
	return plivoXML(c, dial(to))
}

// machine takes what Plivo's answering-machine detection found (Machine
// true or false) on a call this node runs.
func (g *Gateway) machine(c *fiber.Ctx) error {
	r := readRequest(c, g.cfg.Public)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	if _, ok := g.account(ctx, r); !ok {
		return forbidden()
	}
	who := ""
	switch r.get("Machine") {
	case "true":
		who = turn.AnsweredByMachine
	case "false":
		who = turn.AnsweredByHuman
	}
	g.cfg.Log.Debug("answering-machine detection", "call_sid", r.get("CallUUID"), "machine", r.get("Machine"))
	if live, ok := g.cfg.Calls.Get(r.get("CallUUID")); ok && who != "" {
		live.AnsweredBy(who)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
