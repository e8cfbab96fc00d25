package persistence_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// orgStore is a store on a fresh database with one organization.
func orgStore(t *testing.T) (*pgxpool.Pool, *persistence.Store, persistence.Organization) {
	t.Helper()
	pool := pgtest.Pool(t)
	s := persistence.NewStore(pool)
	org, err := s.EnsureOrganization(context.Background(), "Org")
	if err != nil {
		t.Fatal(err)
	}
	return pool, s, org
}

// Calls left in progress by an engine that is gone (an earlier boot of
// this node, a boot whose heartbeat stopped, or no known owner) are closed
// once, with their status update and end-of-call report; calls a live boot
// runs, on this node or another, are left alone.
func TestCloseOrphans(t *testing.T) {
	ctx := context.Background()
	pool, s, org := orgStore(t)
	old, me, other, stale := persistence.NewBootID(), persistence.NewBootID(), persistence.NewBootID(), persistence.NewBootID()
	for _, b := range []struct {
		id   persistence.BootID
		node string
	}{{old, "node-a"}, {other, "node-b"}, {stale, "node-c"}, {me, "node-a"}} {
		if err := s.StartBoot(ctx, b.id, b.node); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE engine_boots SET heartbeat_at = now() - interval '2 minutes' WHERE boot_id = $1`, stale); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		sid   string
		boot  persistence.BootID
		ended bool
	}{{"CA-mine", me, false}, {"CA-old", old, false}, {"CA-live", other, false}, {"CA-stale", stale, false},
		{"CA-none", "", false}, {"CA-ended", old, true}} {
		recs := []persistence.Record{{Kind: persistence.RecordStarted, CallSID: c.sid, Seq: 1, At: start,
			Call: &persistence.CallInfo{OrganizationID: org.ID, From: "+15550001111", To: "+15550000000", Direction: "inbound",
				Carrier: "twilio", WebhookURL: "https://hooks.test/a", Boot: string(c.boot)}},
			{Kind: persistence.RecordTranscript, CallSID: c.sid, Seq: 2, At: start.Add(30 * time.Second),
				Transcript: &persistence.TranscriptRecord{Speaker: "user", Text: "hello", Final: true}}}
		if c.ended {
			recs = append(recs, persistence.Record{Kind: persistence.RecordEnded, CallSID: c.sid, Seq: 3, At: start.Add(time.Minute),
				End: &persistence.CallEnd{Reason: events.EndCallerHungUp, DurationMS: 60000}})
		}
		if err := s.WriteRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	reports := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM webhook_outbox WHERE webhook_type = 'end-of-call-report'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	closed, err := s.CloseOrphans(ctx, me, events.EndEngineGone, events.EndEngineRestarted)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"CA-old", "CA-stale", "CA-none"}; !slices.Equal(closed, want) {
		t.Fatalf("closed %v, want %v", closed, want)
	}
	c, err := s.GetCallBySID(ctx, org.ID, "CA-old")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != persistence.StatusCompleted || c.EndedReason == nil || *c.EndedReason != events.EndEngineRestarted ||
		!c.EndedAt.Equal(start.Add(30*time.Second)) || *c.DurationMS != 30000 {
		t.Fatalf("orphan closed as %+v", c)
	}
	if n := reports(); n != 4 { // the three orphans and the call that ended by itself
		t.Fatalf("%d end-of-call reports", n)
	}
	if again, err := s.CloseOrphans(ctx, me, events.EndEngineGone, events.EndEngineRestarted); err != nil || len(again) != 0 || reports() != 4 {
		t.Fatalf("closing again: %v %v, %d reports", again, err, reports())
	}

	// A carrier's end for a call a live boot runs changes nothing; once
	// that boot is gone (a clean stop), the call is closed.
	if ok, err := s.CloseOrphan(ctx, me, events.EndEngineGone, "twilio", "CA-live"); ok || err != nil {
		t.Fatalf("live call closed: %v %v", ok, err)
	}
	if ok, err := s.CloseOrphan(ctx, me, events.EndEngineGone, "twilio", "CA-mine"); ok || err != nil {
		t.Fatalf("this boot's call closed: %v %v", ok, err)
	}
	if err := s.EndBoot(ctx, other); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.CloseOrphan(ctx, me, events.EndEngineGone, "telnyx", "CA-live"); ok || err != nil {
		t.Fatalf("another carrier's call closed: %v %v", ok, err)
	}
	if ok, err := s.CloseOrphan(ctx, me, events.EndEngineGone, "twilio", "CA-live"); !ok || err != nil {
		t.Fatalf("orphan not closed on the carrier's end: %v %v", ok, err)
	}
	if c, _ := s.GetCallBySID(ctx, org.ID, "CA-live"); c.EndedReason == nil || *c.EndedReason != events.EndEngineGone || reports() != 5 {
		t.Fatalf("after the carrier's end: %+v, %d reports", c, reports())
	}
}

// The start-up sweep closes what earlier runs left, a call whose carrier
// reported its end with that reason; a boot that started after this one
// is not an earlier run, even once gone: its calls are left to the sweeps
// of running nodes.
func TestCloseOrphansOfEarlierRunsOnly(t *testing.T) {
	ctx := context.Background()
	pool, s, org := orgStore(t)
	old, me, later := persistence.NewBootID(), persistence.NewBootID(), persistence.NewBootID()
	for _, b := range []persistence.BootID{old, me, later} {
		if err := s.StartBoot(ctx, b, "node-"+string(b)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE engine_boots SET heartbeat_at = now() - interval '1 hour' WHERE boot_id <> $1`, me); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sid   string
		boot  persistence.BootID
		ended bool // the carrier reported the call's end
	}{{"CA-old", old, false}, {"CA-old-ended", old, true}, {"CA-later", later, false}, {"CA-later-ended", later, true}} {
		recs := []persistence.Record{{Kind: persistence.RecordStarted, CallSID: c.sid, Seq: 1, At: time.Now().Add(-time.Minute),
			Call: &persistence.CallInfo{OrganizationID: org.ID, From: "+15550001111", To: "+15550000000", Direction: "inbound",
				Carrier: "twilio", Boot: string(c.boot)}}}
		if c.ended {
			recs = append(recs, persistence.Record{Kind: persistence.RecordStatus, CallSID: c.sid, Seq: 2, At: time.Now(),
				Status: &persistence.StatusUpdate{Carrier: "twilio", Status: persistence.StatusCompleted}})
		}
		if err := s.WriteRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	reason := func(sid string) string {
		c, err := s.GetCallBySID(ctx, org.ID, sid)
		if err != nil || c.EndedReason == nil {
			return fmt.Sprint("open: ", err)
		}
		return *c.EndedReason
	}
	closed, err := s.CloseOrphans(ctx, me, events.EndEngineGone, events.EndEngineRestarted)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(closed)
	if want := []string{"CA-old", "CA-old-ended"}; !slices.Equal(closed, want) {
		t.Fatalf("closed %v, want %v", closed, want)
	}
	if r, e := reason("CA-old"), reason("CA-old-ended"); r != events.EndEngineRestarted || e != events.EndEngineGone {
		t.Fatalf("earlier run's calls closed as %q and %q", r, e)
	}
	// the later boot's ended call is the heartbeats' sweep's
	if closed, err := s.CloseCarrierEndedOrphans(ctx, me, events.EndEngineGone); err != nil || !slices.Equal(closed, []string{"CA-later-ended"}) {
		t.Fatalf("heartbeat sweep closed %v, %v", closed, err)
	}
	if r := reason("CA-later"); r != "open: <nil>" {
		t.Fatalf("a later boot's call closed: %s", r)
	}
}
