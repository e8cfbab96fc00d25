package twilio

import (
	"context"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Phrases of a warm transfer.
const (
	agentPrompt   = "Press 1 to take the call, or any other key to decline."
	agentNoAnswer = "No answer received. Goodbye."
	agentConnect  = "Connecting you now."
)

// transferRequest checks a warm-transfer callback: its ticket names the
// call, whose account must have signed it.
func (g *Gateway) transferRequest(c *fiber.Ctx) (*request, telephony.Ticket, bool) {
	r := readRequest(c, g.cfg.Public)
	tk, err := g.cfg.Tickets.Open(c.Query("t"))
	if err != nil || tk.Carrier != telephony.Twilio {
		return nil, tk, false
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	route, err := g.cfg.Directory.Route(ctx, telephony.TicketLookup(telephony.Twilio, tk))
	if err != nil || route.Credentials.Twilio == nil || !r.signedBy(route.Credentials.Twilio.AuthToken) {
		return nil, tk, false
	}
	return r, tk, true
}

// transferAgent runs on the agent's leg when the agent answers: the brief,
// and with confirmation a key to accept.
func (g *Gateway) transferAgent(c *fiber.Ctx) error {
	_, tk, ok := g.transferRequest(c)
	if !ok {
		return forbidden()
	}
	summary := c.Query("summary")
	if c.Query("confirm") != "1" {
		return twiml(c, twimlDoc(say(summary)))
	}
	action := g.cfg.Public.HTTP(PathTransferConfirm) + "?" + url.Values{"t": {c.Query("t")}}.Encode()
	g.cfg.Log.Info("warm transfer: agent answered", "call_sid", tk.CallID)
	return twiml(c, twimlDoc(`<Gather numDigits="1" timeout="10" method="POST" action="`+telephony.XMLText(action)+`">`+
		say(summary+" "+agentPrompt)+`</Gather>`, say(agentNoAnswer), hangup))
}

// transferConfirm takes the agent's key: 1 bridges the caller, anything
// else declines (the agent's leg hangs up and the dial fails).
func (g *Gateway) transferConfirm(c *fiber.Ctx) error {
	r, tk, ok := g.transferRequest(c)
	if !ok {
		return forbidden()
	}
	if r.get("Digits") == "1" {
		g.cfg.Log.Info("warm transfer accepted", "call_sid", tk.CallID)
		return twiml(c, twimlDoc(say(agentConnect)))
	}
	g.cfg.Log.Info("warm transfer declined", "call_sid", tk.CallID)
	return twiml(c, twimlDoc(hangup))
}

// transferResult ends the warm transfer's dial: after a bridged call the
// caller is done; otherwise the caller hears the unavailable message and
// comes back to the assistant, continuing the same conversation.
//
// Twilio reports DialBridged ("true"/"false"); without it (older
// accounts) a dial counts as bridged only when its status is completed
// or answered. [DialBridged for a whisper that hung up: unverified.]
func (g *Gateway) transferResult(c *fiber.Ctx) error {
	r, tk, ok := g.transferRequest(c)
	if !ok {
		return forbidden()
	}
	bridged := r.get("DialBridged") == "true"
	if r.get("DialBridged") == "" {
		st := r.get("DialCallStatus")
		bridged = st == "completed" || st == "answered"
	}
	if bridged || r.get("CallStatus") == "completed" {
		return twiml(c, twimlDoc(hangup))
	}
	g.cfg.Log.Info("warm transfer not taken: back to the assistant", "call_sid", tk.CallID,
		"dial_status", r.get("DialCallStatus"))
	tk.Resume = true
	tk.Expires = g.cfg.Tickets.Now().Add(g.cfg.TicketTTL)
	ticket, err := g.cfg.Tickets.Seal(tk)
	if err != nil {
		return forbidden()
	}
	return twiml(c, twimlDoc(say(c.Query("unavailable")), connectStream(g.cfg.Public.WS(PathStream), ticket)))
}
