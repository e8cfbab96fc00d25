package persistence_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
)

// When a member leaves the cluster, the calls its boot ran are closed at
// once, though its heartbeat is fresh, each with its report once however
// many members close them at the same time; the other members' calls, a
// boot without a member, and stale orphans of others are left alone.
func TestCloseMemberCalls(t *testing.T) {
	ctx := context.Background()
	pool, s, org := orgStore(t)
	dead, live, alone, me, peer := persistence.NewBootID(), persistence.NewBootID(), persistence.NewBootID(),
		persistence.NewBootID(), persistence.NewBootID()
	for i, b := range []struct {
		id     persistence.BootID
		member string
	}{{dead, "sb@dead"}, {live, "sb@live"}, {alone, ""}, {me, "sb@me"}, {peer, "sb@peer"}} {
		if err := s.StartBoot(ctx, b.id, "node-"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
		if b.member != "" {
			if err := s.SetBootMember(ctx, b.id, b.member); err != nil {
				t.Fatal(err)
			}
		}
	}
	start := time.Now().Add(-time.Minute)
	for _, c := range []struct {
		sid  string
		boot persistence.BootID
	}{{"CA-dead-1", dead}, {"CA-dead-2", dead}, {"CA-live", live}, {"CA-alone", alone}, {"CA-mine", me}, {"CA-none", ""}} {
		if err := s.WriteRecords(ctx, []persistence.Record{{Kind: persistence.RecordStarted, CallSID: c.sid, Seq: 1, At: start,
			Call: &persistence.CallInfo{OrganizationID: org.ID, From: "+15550001111", To: "+15550000000", Direction: "inbound",
				Carrier: "twilio", WebhookURL: "https://hooks.test/a", Boot: string(c.boot)}}}); err != nil {
			t.Fatal(err)
		}
	}
	// No member names no boot (not every orphan).
	if got, err := s.CloseMemberCalls(ctx, me, "", events.EndEngineLeftCluster); err != nil || len(got) != 0 {
		t.Fatalf("closed %v, %v for no member", got, err)
	}
	// Two survivors see the member leave at the same time.
	var wg sync.WaitGroup
	var closed [2][]string
	for i, by := range []persistence.BootID{me, peer} {
		wg.Go(func() {
			var err error
			if closed[i], err = s.CloseMemberCalls(ctx, by, "sb@dead", events.EndEngineLeftCluster); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Both may find a call still open, but only one closes it.
	all := append(closed[0], closed[1]...)
	slices.Sort(all)
	if want := []string{"CA-dead-1", "CA-dead-2"}; !slices.Equal(slices.Compact(all), want) {
		t.Fatalf("closed %v, want %v", all, want)
	}
	var reports int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM webhook_outbox WHERE webhook_type = 'end-of-call-report'`).Scan(&reports); err != nil {
		t.Fatal(err)
	}
	if reports != 2 {
		t.Fatalf("%d end-of-call reports, want one for each of the dead member's calls", reports)
	}
	for _, sid := range []string{"CA-dead-1", "CA-dead-2", "CA-live", "CA-alone", "CA-mine", "CA-none"} {
		c, err := s.GetCallBySID(ctx, org.ID, sid)
		if err != nil {
			t.Fatal(err)
		}
		got, want := "", ""
		if c.EndedReason != nil {
			got = *c.EndedReason
		}
		if sid == "CA-dead-1" || sid == "CA-dead-2" {
			want = events.EndEngineLeftCluster
		}
		if got != want {
			t.Errorf("%s: ended %q, want %q", sid, got, want)
		}
	}
}
