package telnyx

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

const webhookTimeout = 10 * time.Second

// event is a Call Control webhook.
type event struct {
	Data struct {
		EventType  string  `json:"event_type"`
		ID         string  `json:"id"`
		OccurredAt string  `json:"occurred_at"`
		Payload    payload `json:"payload"`
	} `json:"data"`
}

type payload struct {
	CallControlID string `json:"call_control_id"`
	CallSessionID string `json:"call_session_id"`
	ConnectionID  string `json:"connection_id"`
	ClientState   string `json:"client_state"`
	Direction     string `json:"direction"` // incoming or outgoing
	From          string `json:"from"`
	To            string `json:"to"`
	HangupCause   string `json:"hangup_cause"`
	Result        string `json:"result"` // answering-machine detection: human, machine or not_sure
	StartTime     string `json:"start_time"`
	EndTime       string `json:"end_time"`
}

// parseEvent reads a webhook body.
func parseEvent(body []byte) (event, error) {
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil {
		return ev, err
	}
	if ev.Data.EventType == "" {
		return ev, errors.New("telnyx: webhook without an event type")
	}
	return ev, nil
}

// keyCache holds the parsed public keys of the keyring's credentials.
type keyCache struct {
	mu      sync.Mutex
	version int
	keys    []ed25519.PublicKey
	creds   []telephony.Credentials // creds[i] holds keys[i]
}

func (k *keyCache) update(creds []telephony.Credentials, version int) ([]ed25519.PublicKey, []telephony.Credentials) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if version != k.version {
		k.keys, k.creds = nil, nil
		for _, c := range creds {
			if c.Telnyx == nil {
				continue
			}
			if key, err := ParsePublicKey(c.Telnyx.PublicKey); err == nil {
				k.keys = append(k.keys, key)
				k.creds = append(k.creds, c)
			}
		}
		k.version = version
	}
	return k.keys, k.creds
}

// verify checks a webhook's signature against every configured account's
// key (refetched once on a miss) and returns the signing account.
func (g *Gateway) verify(ctx context.Context, c *fiber.Ctx, body []byte) (telephony.Credentials, error) {
	ts, sig := c.Get("telnyx-timestamp"), c.Get("telnyx-signature-ed25519")
	try := func(creds []telephony.Credentials, v int) (telephony.Credentials, error) {
		keys, owners := g.keys.update(creds, v)
		i, err := Verify(keys, ts, sig, body, g.cfg.Now(), g.cfg.Tolerance)
		if err != nil {
			return telephony.Credentials{}, err
		}
		return owners[i], nil
	}
	creds, v, err := g.keyring.Get(ctx)
	if err != nil {
		g.cfg.Log.Error("reading Telnyx credentials", "err", err)
	}
	acct, err := try(creds, v)
	if errors.Is(err, telephony.ErrBadSignature) && !errors.Is(err, errStale) {
		if creds, v, refreshed, _ := g.keyring.Refresh(ctx); refreshed {
			acct, err = try(creds, v)
		}
	}
	return acct, err
}

// webhook handles Call Control webhooks: a bad signature or a stale
// timestamp is a 403 and nothing else happens.
func (g *Gateway) webhook(c *fiber.Ctx) error {
	body := append([]byte(nil), c.Body()...)
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	acct, err := g.verify(ctx, c, body)
	if err != nil {
		return server.Detail(fiber.StatusForbidden, "invalid Telnyx signature")
	}
	ev, err := parseEvent(body)
	if err != nil {
		return server.Detail(fiber.StatusBadRequest, "not a Telnyx webhook")
	}
	p := ev.Data.Payload
	log := g.cfg.Log.With("call_sid", p.CallControlID, "event", ev.Data.EventType)
	switch ev.Data.EventType {
	case "call.initiated":
		if p.Direction == "incoming" {
			if err := g.incoming(ctx, acct, p); err != nil {
				log.Error("answering a call", "err", err)
				return fiber.ErrServiceUnavailable // Telnyx retries the webhook
			}
		}
		g.record(ctx, acct, ev, telephony.StatusRinging)
	case "call.answered":
		if reason, ok := refusalOf(p.ClientState); ok {
			err = g.api.command(ctx, acct.Telnyx.APIKey, p.CallControlID, "speak", map[string]string{
				"payload": reason, "voice": "female", "language": "en-US", "client_state": p.ClientState})
		}
		g.record(ctx, acct, ev, telephony.StatusInProgress)
	case "call.speak.ended":
		if _, ok := refusalOf(p.ClientState); ok {
			err = g.api.command(ctx, acct.Telnyx.APIKey, p.CallControlID, "hangup", nil)
		}
	case "call.hangup":
		g.record(ctx, acct, ev, hangupStatus(p.HangupCause))
	case "call.machine.detection.ended":
		g.answeredBy(p)
	case "streaming.failed":
		log.Warn("media streaming failed")
	}
	if err != nil {
		log.Warn("call control command failed", "err", err)
	}
	return c.SendStatus(fiber.StatusOK)
}

// incoming answers a call: with the media stream, a transfer for bypass
// callers, or a spoken refusal.
func (g *Gateway) incoming(ctx context.Context, acct telephony.Credentials, p payload) error {
	if g.cfg.Replayed(ctx, telephony.Telnyx, p.CallControlID) {
		g.cfg.Log.Warn("call.initiated for a call that exists: no second call", "call_sid", p.CallControlID)
		return nil
	}
	q := telephony.Lookup{Carrier: telephony.Telnyx, Number: p.To, Caller: p.From}
	route, err := telephony.Resolve(ctx, g.cfg.Directory, q)
	if err != nil {
		text, refused := telephony.Refusal(err)
		if !refused {
			g.cfg.Log.Error("routing a call: refusing it", "call_sid", p.CallControlID, "err", err)
			text = telephony.RefusalUnavailable
		}
		g.cfg.Log.Info("call refused", "call_sid", p.CallControlID, "to", p.To, "reason", err)
		return g.api.command(ctx, acct.Telnyx.APIKey, p.CallControlID, "answer",
			map[string]string{"client_state": refusalState(text)})
	}
	tx := route.Credentials.Telnyx
	if tx == nil || tx.PublicKey != acct.Telnyx.PublicKey {
		return errors.Join(telephony.ErrNoCredentials, errors.New("the number's account did not sign the webhook"))
	}
	if to, ok := telephony.Bypass(route.Snapshot, p.From); ok {
		g.cfg.Log.Info("bypass caller transferred", "call_sid", p.CallControlID, "assistant_id", route.AssistantID)
		return g.api.command(ctx, tx.APIKey, p.CallControlID, "transfer", map[string]string{"to": to})
	}
	ticket, err := g.cfg.Tickets.Seal(telephony.Ticket{Carrier: telephony.Telnyx, CallID: p.CallControlID,
		OrganizationID: route.OrganizationID, AssistantID: route.AssistantID, From: p.From, To: p.To,
		Direction: telephony.Inbound, Expires: g.cfg.Tickets.Now().Add(g.cfg.TicketTTL)})
	if err != nil {
		return err
	}
	return g.api.command(ctx, tx.APIKey, p.CallControlID, "answer", g.streamParams(ticket))
}

// streamParams attach the bidirectional media stream (RTP mode, PCMU both
// ways) to an answer or a dial; the ticket comes back as the stream's auth
// token.
func (g *Gateway) streamParams(ticket string) map[string]string {
	return map[string]string{
		"stream_url":                 g.cfg.Public.WS(PathStream),
		"stream_track":               "inbound_track",
		"stream_bidirectional_mode":  "rtp",
		"stream_bidirectional_codec": "PCMU",
		"stream_codec":               "PCMU",
		"stream_auth_token":          ticket,
	}
}

// A refused call is answered, told why, and hung up; its client state
// carries the refusal through the webhooks in between.
const refusalPrefix = "refuse:"

func refusalState(text string) string {
	return base64.StdEncoding.EncodeToString([]byte(refusalPrefix + text))
}

func refusalOf(clientState string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(clientState)
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(string(b), refusalPrefix)
}

// record stores a status report.
func (g *Gateway) record(ctx context.Context, acct telephony.Credentials, ev event, status string) {
	if g.cfg.Status == nil {
		return
	}
	p := ev.Data.Payload
	st := telephony.CallStatus{Carrier: telephony.Telnyx, CallID: p.CallControlID, OrganizationID: acct.OrganizationID,
		Status: status, CarrierStatus: ev.Data.EventType, From: p.From, To: p.To, At: g.cfg.Now()}
	switch p.Direction {
	case "incoming":
		st.Direction = telephony.Inbound
	case "outgoing":
		st.Direction = telephony.Outbound
	}
	if p.HangupCause != "" {
		st.CarrierStatus += ":" + p.HangupCause
	}
	if at, err := time.Parse(time.RFC3339Nano, ev.Data.OccurredAt); err == nil {
		st.At = at
	}
	start, err1 := time.Parse(time.RFC3339Nano, p.StartTime)
	end, err2 := time.Parse(time.RFC3339Nano, p.EndTime)
	if err1 == nil && err2 == nil && end.After(start) {
		st.Duration = end.Sub(start)
	}
	if err := g.cfg.Status.RecordStatus(ctx, st); err != nil {
		g.cfg.Log.Error("recording a call status", "call_sid", p.CallControlID, "err", err)
	}
}

// hangupStatus maps a hangup cause.
func hangupStatus(cause string) string {
	switch cause {
	case "user_busy":
		return telephony.StatusBusy
	case "timeout", "no_answer":
		return telephony.StatusNoAnswer
	case "originator_cancel":
		return telephony.StatusCanceled
	case "call_rejected", "not_found":
		return telephony.StatusFailed
	}
	return telephony.StatusCompleted
}

// answeredBy takes what Telnyx's answering-machine detection found on a
// call this node runs; not_sure leaves the decision to the engine's own.
func (g *Gateway) answeredBy(p payload) {
	who := ""
	switch p.Result {
	case "human":
		who = turn.AnsweredByHuman
	case "machine":
		who = turn.AnsweredByMachine
	}
	g.cfg.Log.Debug("answering-machine detection", "call_sid", p.CallControlID, "result", p.Result)
	if live, ok := g.cfg.Calls.Get(p.CallControlID); ok && who != "" {
		live.AnsweredBy(who)
	}
}
