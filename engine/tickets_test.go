package engine_test

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// A media ticket starts one stream: replayed to the node that redeemed it,
// to that node after a restart, or to another node, it is refused.
func TestTicketsAreSingleUseAcrossRestartsAndNodes(t *testing.T) {
	store := persistence.NewStore(pgtest.Pool(t))
	secret := []byte("enginetest-secret-0123456789abcdef")
	node := func() *telephony.Tickets {
		tk := telephony.NewTickets(secret, nil)
		tk.UseLedger(store)
		return tk
	}
	first := node()
	sealed, err := first.Seal(telephony.Ticket{Carrier: telephony.Twilio, CallID: "CA1", OrganizationID: 1, AssistantID: 1,
		Direction: telephony.Inbound, Expires: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Redeem(sealed); err != nil {
		t.Fatal(err)
	}
	for name, tk := range map[string]*telephony.Tickets{"same node": first, "restarted node": node(), "another node": node()} {
		if _, err := tk.Redeem(sealed); !errors.Is(err, telephony.ErrTicketUsed) {
			t.Errorf("%s: replayed ticket %v", name, err)
		}
	}
	other, _ := first.Seal(telephony.Ticket{Carrier: telephony.Twilio, CallID: "CA2", Expires: time.Now().Add(time.Minute)})
	if _, err := node().Redeem(other); err != nil {
		t.Fatalf("a fresh ticket: %v", err)
	}
}
