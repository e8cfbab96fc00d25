package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// During a database outage the node keeps admitting calls whose number
// and assistant it has already resolved (their records are buffered and
// land once the database is back); a call it cannot resolve hears the
// apology in TwiML and is hung up, never an HTTP error.
func TestCallsAreAdmittedDuringADatabaseOutage(t *testing.T) {
	dsn := pgtest.DSN(t)
	proxy, proxied := pgtest.NewProxy(t, dsn)
	pool, err := persistence.Open(context.Background(), proxied+"&pool_max_conns=8&pool_min_idle_conns=0&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	fakes := withFakes(t)
	srv, cloud := twilioEngineWith(t, func(c *engine.Config) { fakes(c); c.Pool = pool })
	org, key := srv.Key("Outage")
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Steady",
		"llm_settings":{"welcome_message":"Welcome to the steady line."},
		"twilio_config":{"account_sid":%q,"auth_token":%q},"recording_settings":{"enabled":false}}`,
		cloud.AccountSID(), cloud.AuthToken()))
	for _, n := range []string{"+15550007777", "+15550006666"} {
		if status, _, body := send(t, "POST", srv.URL+"/api/v1/phone-numbers", key, http.Header{"Content-Type": {"application/json"}},
			strings.NewReader(fmt.Sprintf(`{"phone_number":%q,"provider":"twilio","assistant_id":%d}`, n, snap.ID))); status != http.StatusCreated {
			t.Fatalf("create number %s: %d %s", n, status, body)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	converse := func(from, to string) string {
		t.Helper()
		c, err := cloud.Dial(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Phone.WaitHeard(ctx, "Welcome to the steady line."); err != nil {
			t.Fatalf("%s → %s heard %q: %v", from, to, c.Phone.Transcript(), err)
		}
		c.Say("hello there")
		// (under load the turn can end on the recogniser's unpunctuated
		// interim: the reply then has no full stop)
		if err := c.Phone.WaitHeard(ctx, "You said: Hello there"); err != nil {
			t.Fatalf("%s → %s heard %q: %v", from, to, c.Phone.Transcript(), err)
		}
		c.HangUp()
		<-c.Done()
		return c.SID
	}
	before := converse("+15550001111", "+15550007777") // the node resolves +15550007777 and its assistant

	proxy.Cut()
	during := converse("+15550002222", "+15550007777")
	c, err := cloud.Dial(ctx, "+15550003333", "+15550006666") // never resolved on this node
	if err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	if said := c.Said(); len(said) != 1 || said[0] != telephony.RefusalUnavailable || c.Status() != "completed" || c.Streams() != 0 {
		t.Fatalf("an unresolvable call during the outage: said %q, status %s, %d streams", said, c.Status(), c.Streams())
	}
	proxy.Restore()

	check, err := persistence.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(check.Close)
	store := persistence.NewStore(check)
	for _, sid := range []string{before, during} {
		testkit.Eventually(t, 30*time.Second, func() error {
			call, err := store.GetCallBySID(t.Context(), org, sid)
			if err != nil {
				return err
			}
			if call.EndedReason == nil || *call.EndedReason != "customer-ended-call" {
				return fmt.Errorf("call %s: ended %v", sid, call.EndedReason)
			}
			return nil
		})
	}
}
