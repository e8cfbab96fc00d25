package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// reports counts the end-of-call reports a webhook receiver got, by call.
type reports struct {
	*httptest.Server
	mu  sync.Mutex
	got map[string]int
}

func newReports(t *testing.T) *reports {
	r := &reports{got: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var m struct {
			Message struct {
				Type string `json:"type"`
				Call struct {
					CallID string `json:"phoneCallProviderId"`
				} `json:"call"`
			} `json:"message"`
		}
		_ = json.Unmarshal(body, &m)
		if m.Message.Type == "end-of-call-report" {
			r.mu.Lock()
			r.got[m.Message.Call.CallID]++
			r.mu.Unlock()
		}
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *reports) count(sid string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[sid]
}

// A call its engine left in progress (killed, or a drain that ran out of
// time) is closed when the node starts again, and a call whose engine is
// gone for good when its carrier reports its end; each sends its
// end-of-call report once, and a replayed callback changes nothing.
func TestOrphanedCallsAreClosed(t *testing.T) {
	pool := pgtest.Pool(t)
	first := enginetest.Start(t, func(c *engine.Config) { c.Pool, c.Node = pool, "node-1" })
	org, key := first.Key("Orphans")
	hook := newReports(t)
	ctx := t.Context()
	started := func(sid string, boot persistence.BootID) {
		t.Helper()
		if err := first.Store.WriteRecords(ctx, []persistence.Record{{Kind: persistence.RecordStarted, CallSID: sid, Seq: 1,
			At: time.Now().Add(-time.Minute), Call: &persistence.CallInfo{OrganizationID: org, From: "+15550001111", To: "+15550007777",
				Direction: "inbound", Carrier: "twilio", WebhookURL: hook.URL, Boot: string(boot)}}}); err != nil {
			t.Fatal(err)
		}
	}
	reason := func(sid string) string {
		c, err := first.Store.GetCallBySID(ctx, org, sid)
		if err != nil || c.EndedReason == nil {
			return fmt.Sprint("open: ", err)
		}
		return *c.EndedReason
	}
	// node-1's first run had two calls in progress when it was killed; the
	// carrier reported the end of one of them (while the run still looked
	// alive).
	started("CA-killed", first.Boot)
	started("CA-killed-ended", first.Boot)
	if err := first.Store.WriteRecords(ctx, []persistence.Record{{Kind: persistence.RecordStatus, CallSID: "CA-killed-ended", Seq: 2,
		At: time.Now(), Status: &persistence.StatusUpdate{Carrier: "twilio", Status: persistence.StatusCompleted}}}); err != nil {
		t.Fatal(err)
	}

	srv, cloud := twilioEngineWith(t, func(c *engine.Config) { withFakes(t)(c); c.Pool, c.Node = pool, "node-1" })
	testkit.Eventually(t, 20*time.Second, func() error {
		for sid, want := range map[string]string{"CA-killed": events.EndEngineRestarted, "CA-killed-ended": events.EndEngineGone} {
			if r := reason(sid); r != want {
				return fmt.Errorf("killed run's call %s: %s, want %s", sid, r, want)
			}
			if n := hook.count(sid); n != 1 {
				return fmt.Errorf("%s: %d reports", sid, n)
			}
		}
		return nil
	})

	// node-2 stopped with a call in progress; its carrier reports the end.
	createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Twilio account","twilio_config":{"account_sid":%q,"auth_token":%q}}`,
		cloud.AccountSID(), cloud.AuthToken()))
	gone := persistence.NewBootID()
	if err := srv.Store.StartBoot(ctx, gone, "node-2"); err != nil {
		t.Fatal(err)
	}
	started("CA-gone", gone)
	started("CA-live", srv.Boot)
	if err := srv.Store.EndBoot(ctx, gone); err != nil {
		t.Fatal(err)
	}
	completed := func(sid string) {
		t.Helper()
		form := url.Values{"AccountSid": {cloud.AccountSID()}, "CallSid": {sid}, "CallStatus": {"completed"},
			"From": {"+15550001111"}, "To": {"+15550007777"}, "Direction": {"inbound"}, "CallDuration": {"60"}}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if status, body, err := cloud.Post(cctx, "/telephony/twilio/status", form, cloud.AuthToken()); err != nil || status != http.StatusNoContent {
			t.Fatalf("status callback: %d %s %v", status, body, err)
		}
	}
	for range 2 { // Twilio retries: a replay
		completed("CA-gone")
		completed("CA-live")
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		if r := reason("CA-gone"); r != events.EndEngineGone {
			return fmt.Errorf("stopped node's call: %s", r)
		}
		if n := hook.count("CA-gone"); n != 1 {
			return fmt.Errorf("%d reports", n)
		}
		return nil
	})
	if r := reason("CA-live"); r != "open: <nil>" {
		t.Fatalf("a call this run owns was closed by its carrier's status: %s", r)
	}
	if n := hook.count("CA-killed"); n != 1 {
		t.Fatalf("%d reports for the killed run's call", n)
	}
}

// A carrier's final status comes within seconds of its engine's death,
// while that engine's boot still looks alive, so it cannot close the call;
// if that node never starts again, a live node's heartbeat closes the call
// once the boot has gone stale, and its report is sent once.
func TestCarrierEndedOrphansAreSwept(t *testing.T) {
	pool := pgtest.Pool(t)
	srv, cloud := twilioEngineWith(t, func(c *engine.Config) { withFakes(t)(c); c.Pool, c.Node = pool, "node-1" })
	org, key := srv.Key("Sweep")
	createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Twilio account","twilio_config":{"account_sid":%q,"auth_token":%q}}`,
		cloud.AccountSID(), cloud.AuthToken()))
	hook := newReports(t)
	ctx := t.Context()
	killed := persistence.NewBootID()
	if err := srv.Store.StartBoot(ctx, killed, "node-9"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.WriteRecords(ctx, []persistence.Record{{Kind: persistence.RecordStarted, CallSID: "CA-swept", Seq: 1,
		At: time.Now().Add(-time.Minute), Call: &persistence.CallInfo{OrganizationID: org, From: "+15550001111", To: "+15550007777",
			Direction: "inbound", Carrier: "twilio", WebhookURL: hook.URL, Boot: string(killed)}}}); err != nil {
		t.Fatal(err)
	}
	reason := func() string {
		c, err := srv.Store.GetCallBySID(ctx, org, "CA-swept")
		if err != nil || c.EndedReason == nil {
			return fmt.Sprint("open: ", err)
		}
		return *c.EndedReason
	}
	// node-9 is killed; Twilio reports the end at once, to node-1
	form := url.Values{"AccountSid": {cloud.AccountSID()}, "CallSid": {"CA-swept"}, "CallStatus": {"completed"},
		"From": {"+15550001111"}, "To": {"+15550007777"}, "Direction": {"inbound"}, "CallDuration": {"60"}}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if status, body, err := cloud.Post(cctx, "/telephony/twilio/status", form, cloud.AuthToken()); err != nil || status != http.StatusNoContent {
		t.Fatalf("status callback: %d %s %v", status, body, err)
	}
	if r := reason(); r != "open: <nil>" {
		t.Fatalf("closed while its engine still looked alive: %s", r)
	}
	// node-9 never beats again
	if _, err := pool.Exec(ctx, `UPDATE engine_boots SET heartbeat_at = heartbeat_at - interval '1 hour' WHERE boot_id = $1`, killed); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 3*persistence.BootHeartbeat, func() error {
		if r := reason(); r != events.EndEngineGone {
			return fmt.Errorf("the carrier-ended call of a gone engine: %s", r)
		}
		if n := hook.count("CA-swept"); n != 1 {
			return fmt.Errorf("%d reports", n)
		}
		return nil
	})
}
