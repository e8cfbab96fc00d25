package twilio

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// voice answers a call's voice webhook: inbound calls are routed by the
// called number; calls the engine placed carry a ticket naming their
// assistant. The answer connects the media stream, transfers a bypass
// caller, or refuses politely.
func (g *Gateway) voice(c *fiber.Ctx) error {
	r := readRequest(c, g.cfg.Public)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()

	q, tk, err := g.voiceLookup(c, r)
	if err != nil {
		return forbidden() // a forged or stale ticket: not Twilio's
	}
	route, err := telephony.Resolve(ctx, g.cfg.Directory, q)
	if err != nil {
		text, refused := telephony.Refusal(err)
		if !refused {
			g.cfg.Log.Error("routing a call: refusing it", "call_sid", r.get("CallSid"), "err", err)
			text = telephony.RefusalUnavailable
		}
		// Nobody takes the call, but only Twilio hears so.
		if _, ok := g.accountOf(ctx, r.get("AccountSid"), r); !ok {
			return forbidden()
		}
		g.cfg.Log.Info("call refused", "call_sid", r.get("CallSid"), "to", q.Number, "reason", err)
		return twiml(c, twimlDoc(say(text), hangup))
	}
	acct := route.Credentials.Twilio
	if acct == nil {
		g.cfg.Log.Error("no Twilio credentials for the number's organization", "organization_id", route.OrganizationID)
		return forbidden()
	}
	if !r.signedBy(acct.AuthToken) {
		return forbidden()
	}
	g.upgrades.remember(*acct)
	callSID := r.get("CallSid")
	if g.cfg.Replayed(ctx, telephony.Twilio, callSID) {
		g.cfg.Log.Warn("voice webhook for a call that exists: no second call", "call_sid", callSID)
		return twiml(c, twimlDoc(hangup))
	}
	if to, ok := telephony.Bypass(route.Snapshot, q.Caller); ok {
		g.cfg.Log.Info("bypass caller transferred", "call_sid", callSID, "assistant_id", route.AssistantID)
		return twiml(c, twimlDoc(dial(to)))
	}
	tk.Carrier, tk.CallID = telephony.Twilio, callSID
	tk.OrganizationID, tk.AssistantID = route.OrganizationID, route.AssistantID
	tk.Expires = g.cfg.Tickets.Now().Add(g.cfg.TicketTTL)
	ticket, err := g.cfg.Tickets.Seal(tk)
	if err != nil {
		return forbidden() // a separator in Twilio's fields: not a real call
	}
	return twiml(c, twimlDoc(connectStream(g.cfg.Public.WS(PathStream), ticket)))
}

// voiceLookup says who answers: the ticket of a call the engine placed,
// else the called number. The ticket comes back with the call's parties.
func (g *Gateway) voiceLookup(c *fiber.Ctx, r *request) (telephony.Lookup, telephony.Ticket, error) {
	if t := c.Query("t"); t != "" {
		tk, err := g.cfg.Tickets.Open(t)
		if err != nil || tk.Carrier != telephony.Twilio || tk.Direction != telephony.Outbound {
			return telephony.Lookup{}, tk, errors.Join(telephony.ErrBadTicket, err)
		}
		return telephony.Lookup{Carrier: telephony.Twilio, Number: tk.From, Caller: tk.To,
			OrganizationID: tk.OrganizationID, AssistantID: tk.AssistantID, Dial: tk.Dial}, tk, nil
	}
	tk := telephony.Ticket{From: r.get("From"), To: r.get("To"), Direction: telephony.Inbound}
	return telephony.Lookup{Carrier: telephony.Twilio, Number: tk.To, Caller: tk.From}, tk, nil
}
