package telephony

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Ticket binds a media stream to a call the engine answered (or a web
// call to the assistant it was issued for). The engine seals it into its
// answer (a Twilio <Parameter>, a Telnyx stream auth token, the stream URL
// of Vonage, Plivo and web calls), and the stream must present it: a stream
// cannot be attached to an arbitrary call, and the stream's start needs no
// state kept since the answer, so any node can take it.
type Ticket struct {
	Carrier        string
	CallID         string
	OrganizationID int64
	AssistantID    int64
	From, To       string // as the carrier reported them
	Direction      string // Inbound or Outbound
	Resume         bool   // the call continues its conversation (after a failed warm transfer)
	Dial           string // the outbound dial that placed the call: names its call-time variables
	Expires        time.Time
}

const (
	ticketVersion = "t2"
	ticketMACLen  = 16 // bytes of HMAC-SHA256 kept: 128 bits
	ticketFields  = 11
)

var b64 = base64.RawURLEncoding

// Tickets seals and opens tickets with a server secret, and remembers
// redeemed ones until they expire so each is used once: in memory, and
// with a ledger across restarts and nodes.
type Tickets struct {
	key    []byte
	now    func() time.Time
	ledger TicketLedger

	mu       sync.Mutex
	used     map[string]time.Time // MAC → expiry
	redeemed int
}

// NewTickets returns tickets sealed with secret (at least 32 random bytes).
// now is the clock; nil means time.Now.
func NewTickets(secret []byte, now func() time.Time) *Tickets {
	if now == nil {
		now = time.Now
	}
	return &Tickets{key: append([]byte(nil), secret...), now: now, used: map[string]time.Time{}}
}

// TicketLedger records redeemed tickets durably (*persistence.Store).
type TicketLedger interface {
	// ClaimTicket is false for a ticket claimed before.
	ClaimTicket(ctx context.Context, mac []byte, expires time.Time) (bool, error)
}

// ledgerTimeout bounds a claim: a stream's start waits on it.
const ledgerTimeout = 2 * time.Second

// UseLedger makes redemptions single-use across restarts and nodes. While
// the ledger cannot be reached, the node's own memory still refuses a
// ticket used twice on it.
func (t *Tickets) UseLedger(l TicketLedger) { t.ledger = l }

// Now is the tickets' clock.
func (t *Tickets) Now() time.Time { return t.now() }

// Seal encodes and signs a ticket.
func (t *Tickets) Seal(tk Ticket) (string, error) {
	for _, f := range []string{tk.Carrier, tk.CallID, tk.From, tk.To, tk.Direction, tk.Dial} {
		if strings.ContainsAny(f, "|") {
			return "", fmt.Errorf("%w: field %q holds a separator", ErrBadTicket, f)
		}
	}
	resume := "0"
	if tk.Resume {
		resume = "1"
	}
	payload := strings.Join([]string{ticketVersion, tk.Carrier, tk.CallID,
		strconv.FormatInt(tk.OrganizationID, 10), strconv.FormatInt(tk.AssistantID, 10),
		tk.From, tk.To, tk.Direction, resume, strconv.FormatInt(tk.Expires.Unix(), 10), tk.Dial}, "|")
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(t.mac([]byte(payload))), nil
}

func (t *Tickets) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte("switchboard ticket|"))
	m.Write(payload)
	return m.Sum(nil)[:ticketMACLen]
}

// Open verifies a ticket and returns it, without using it up (a webhook
// carrying a ticket may be retried by the carrier).
func (t *Tickets) Open(s string) (Ticket, error) {
	tk, _, err := t.open(s)
	return tk, err
}

// Redeem opens a ticket once: a second redemption before it expires, on
// this node or (with a ledger) any other or an earlier run, is
// ErrTicketUsed.
func (t *Tickets) Redeem(s string) (Ticket, error) {
	tk, mac, err := t.open(s)
	if err != nil {
		return tk, err
	}
	if !t.remember(mac, tk.Expires) {
		return Ticket{}, ErrTicketUsed
	}
	if t.ledger != nil { // outside the lock: other streams do not wait on it
		ctx, cancel := context.WithTimeout(context.Background(), ledgerTimeout)
		defer cancel()
		if fresh, err := t.ledger.ClaimTicket(ctx, []byte(mac), tk.Expires); err == nil && !fresh {
			return Ticket{}, ErrTicketUsed
		}
	}
	return tk, nil
}

// remember records a ticket as used on this node; false if it was.
func (t *Tickets) remember(mac string, expires time.Time) bool {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if exp, ok := t.used[mac]; ok && now.Before(exp) {
		return false
	}
	t.used[mac] = expires
	if t.redeemed++; t.redeemed%256 == 0 {
		for k, exp := range t.used {
			if !now.Before(exp) {
				delete(t.used, k)
			}
		}
	}
	return true
}

func (t *Tickets) open(s string) (Ticket, string, error) {
	p, m, ok := strings.Cut(s, ".")
	if !ok || len(s) > 2048 {
		return Ticket{}, "", ErrBadTicket
	}
	payload, err1 := b64.DecodeString(p)
	mac, err2 := b64.DecodeString(m)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, t.mac(payload)) {
		return Ticket{}, "", ErrBadTicket
	}
	f := strings.Split(string(payload), "|")
	if len(f) != ticketFields || f[0] != ticketVersion {
		return Ticket{}, "", ErrBadTicket
	}
	org, err1 := strconv.ParseInt(f[3], 10, 64)
	asst, err2 := strconv.ParseInt(f[4], 10, 64)
	exp, err3 := strconv.ParseInt(f[9], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return Ticket{}, "", ErrBadTicket
	}
	tk := Ticket{Carrier: f[1], CallID: f[2], OrganizationID: org, AssistantID: asst, From: f[5], To: f[6],
		Direction: f[7], Resume: f[8] == "1", Expires: time.Unix(exp, 0), Dial: f[10]}
	if !t.now().Before(tk.Expires) {
		return Ticket{}, "", ErrTicketExpired
	}
	return tk, string(mac), nil
}
