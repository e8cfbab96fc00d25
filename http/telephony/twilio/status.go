package twilio

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// status records a call status callback.
func (g *Gateway) status(c *fiber.Ctx) error {
	r := readRequest(c, g.cfg.Public)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	creds, ok := g.accountOf(ctx, r.get("AccountSid"), r)
	if !ok {
		return forbidden()
	}
	st := telephony.CallStatus{Carrier: telephony.Twilio, CallID: r.get("CallSid"), OrganizationID: creds.OrganizationID,
		Status: normalStatus(r.get("CallStatus")), CarrierStatus: r.get("CallStatus"), From: r.get("From"), To: r.get("To"),
		Direction: direction(r.get("Direction")), At: time.Now()}
	if d, err := strconv.Atoi(r.get("CallDuration")); err == nil && d >= 0 {
		st.Duration = time.Duration(d) * time.Second
	}
	if at, err := time.Parse(time.RFC1123Z, r.get("Timestamp")); err == nil {
		st.At = at
	}
	g.cfg.Log.Debug("call status", "call_sid", st.CallID, "status", st.CarrierStatus)
	if g.cfg.Status != nil {
		if err := g.cfg.Status.RecordStatus(ctx, st); err != nil {
			g.cfg.Log.Error("recording a call status", "call_sid", st.CallID, "err", err)
			return fiber.ErrServiceUnavailable // Twilio retries status callbacks it could not deliver
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// amd takes what Twilio's asynchronous answering-machine detection found
// on a call this node runs.
func (g *Gateway) amd(c *fiber.Ctx) error {
	r := readRequest(c, g.cfg.Public)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	if _, ok := g.accountOf(ctx, r.get("AccountSid"), r); !ok {
		return forbidden()
	}
	who := ""
	switch by := r.get("AnsweredBy"); {
	case by == "human":
		who = turn.AnsweredByHuman
	case strings.HasPrefix(by, "machine_") || by == "fax":
		who = turn.AnsweredByMachine
	}
	g.cfg.Log.Debug("answering-machine detection", "call_sid", r.get("CallSid"), "answered_by", r.get("AnsweredBy"))
	if live, ok := g.cfg.Calls.Get(r.get("CallSid")); ok && who != "" {
		live.AnsweredBy(who)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// normalStatus maps Twilio's CallStatus (already the engine's vocabulary).
func normalStatus(s string) string {
	switch s {
	case telephony.StatusQueued, telephony.StatusRinging, telephony.StatusInProgress, telephony.StatusCompleted,
		telephony.StatusBusy, telephony.StatusFailed, telephony.StatusNoAnswer, telephony.StatusCanceled:
		return s
	case "initiated":
		return telephony.StatusQueued
	case "answered":
		return telephony.StatusInProgress
	}
	return telephony.StatusFailed
}

// direction maps Twilio's Direction (inbound, outbound-api, outbound-dial).
func direction(d string) string {
	switch {
	case d == "inbound":
		return telephony.Inbound
	case strings.HasPrefix(d, "outbound"):
		return telephony.Outbound
	}
	return ""
}
