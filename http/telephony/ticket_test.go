package telephony

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTicketRoundTrip(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tickets := NewTickets([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	tk := Ticket{Carrier: Twilio, CallID: "CA1", OrganizationID: 7, AssistantID: 9, From: "+15551", To: "+15552",
		Direction: Inbound, Resume: true, Dial: "d1aL", Expires: now.Add(time.Minute)}
	s, err := tickets.Seal(tk)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tickets.Open(s)
	if err != nil || got != tk {
		t.Fatalf("opened %+v, %v", got, err)
	}
	if _, err := tickets.Redeem(s); err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.Redeem(s); !errors.Is(err, ErrTicketUsed) {
		t.Fatalf("second redemption: %v", err)
	}
	if _, err := tickets.Open(s); err != nil {
		t.Fatalf("opening a redeemed ticket: %v", err) // webhooks may be retried
	}
	// Forged or altered tickets.
	payload, mac, _ := strings.Cut(s, ".")
	other := NewTickets([]byte("another secret, of the same size!"), func() time.Time { return now })
	for _, bad := range []string{"", ".", payload, payload + ".", "x" + s, payload + "." + mac[:len(mac)-2] + "AA",
		b64.EncodeToString([]byte("t1|twilio|CA1|7|9|+15551|+15552|inbound|0|9999999999")) + "." + mac} {
		if _, err := tickets.Open(bad); !errors.Is(err, ErrBadTicket) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}
	if _, err := other.Open(s); !errors.Is(err, ErrBadTicket) {
		t.Fatal("a ticket opened with another secret")
	}
	now = now.Add(time.Minute)
	if _, err := tickets.Open(s); !errors.Is(err, ErrTicketExpired) {
		t.Fatalf("expired ticket: %v", err)
	}
	if _, err := tickets.Seal(Ticket{CallID: "a|b"}); !errors.Is(err, ErrBadTicket) {
		t.Fatalf("separator sealed: %v", err)
	}
}

// Redeemed tickets are forgotten once expired.
func TestRedeemedTicketsArePruned(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tickets := NewTickets([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	for i := range 600 {
		s, _ := tickets.Seal(Ticket{Carrier: Web, CallID: "c" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + time.Duration(i).String(),
			Expires: now.Add(time.Second)})
		if _, err := tickets.Redeem(s); err != nil {
			t.Fatal(err)
		}
		if i == 299 {
			now = now.Add(2 * time.Second)
		}
	}
	tickets.mu.Lock()
	defer tickets.mu.Unlock()
	if len(tickets.used) > 400 {
		t.Fatalf("%d redeemed tickets kept", len(tickets.used))
	}
}

func FuzzTicketOpen(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	tickets := NewTickets([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now })
	s, _ := tickets.Seal(Ticket{Carrier: Twilio, CallID: "CA1", Expires: now.Add(time.Minute)})
	f.Add(s)
	f.Add("")
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, s string) {
		tk, err := tickets.Open(s)
		if err != nil {
			return
		}
		// Whatever opens must seal back to an equivalent ticket.
		again, err := tickets.Seal(tk)
		if err != nil {
			t.Fatalf("opened %+v does not seal: %v", tk, err)
		}
		if tk2, err := tickets.Open(again); err != nil || tk2 != tk {
			t.Fatalf("round trip %+v → %+v, %v", tk, tk2, err)
		}
	})
}
