package records_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/records"
)

var errDown = errors.New("connection refused")

// downStore is a database that cannot be reached.
type downStore struct{}

func (downStore) WriteRecords(context.Context, []persistence.Record) error { return errDown }

// A crash during an outage (the process killed: the writer never closed)
// loses at most the records of the last SpillAfter. Ten calls talk through
// 1.5 s of outage; the spill file as the crash leaves it, replayed by the
// next start, holds every record older than that, in order.
func TestCrashDuringAnOutageLosesOnlyTheLastSpillAfter(t *testing.T) {
	f := newFixture(t)
	clk := clock.NewVirtual(t0)
	const calls, steps, step, spillAfter = 10, 30, 50 * time.Millisecond, 200 * time.Millisecond
	path := filepath.Join(t.TempDir(), "spill.jsonl")
	w := f.writer(downStore{}, records.Options{SpillPath: path, Clock: clk, SpillAfter: spillAfter,
		RetryMin: time.Second, RetryMax: time.Second})
	sid := func(c int) string { return fmt.Sprintf("CA%02d", c) }
	for c := range calls {
		w.Publish(sid(c), clk.Now(), events.CallStarted{OrganizationID: f.org, AssistantID: f.asst, Carrier: "twilio"})
	}
	for s := range steps {
		for c := range calls {
			w.Publish(sid(c), clk.Now(), events.Transcript{Speaker: events.Caller, Text: fmt.Sprint("step ", s), Final: true})
		}
		// a failed flush: the writer has taken what was published, now
		if err := w.Flush(context.Background()); !errors.Is(err, records.ErrUnavailable) {
			t.Fatalf("flush during the outage: %v", err)
		}
		clk.Advance(step)
	}
	// The crash: what the file holds once the writer has caught up with
	// the clock. At most the steps of the last SpillAfter are in memory.
	recent := calls * int(spillAfter/step)
	testkit.Eventually(t, 10*time.Second, func() error {
		if n := w.QueueDepth(); n > recent {
			return fmt.Errorf("%d records only in memory, %d published in the last %v", n, recent, spillAfter)
		}
		return nil
	})
	left, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(t.TempDir(), "crashed.jsonl")
	if err := os.WriteFile(crashed, left, 0o600); err != nil {
		t.Fatal(err)
	}

	next := f.writer(f.store, records.Options{SpillPath: crashed})
	f.flush(next)
	stored := f.count(`SELECT count(*) FROM transcripts`)
	if stored < calls*steps-recent {
		t.Fatalf("%d of %d transcripts survived the crash: more than the last %v lost", stored, calls*steps, spillAfter)
	}
	for c := range calls {
		rows, err := f.pool.Query(context.Background(), `SELECT t.content FROM transcripts t JOIN calls c ON c.id = t.call_id
			WHERE c.call_sid = $1 ORDER BY t.seq`, sid(c))
		if err != nil {
			t.Fatal(err)
		}
		s := 0
		for rows.Next() {
			var text string
			if err := rows.Scan(&text); err != nil {
				t.Fatal(err)
			}
			if text != fmt.Sprint("step ", s) {
				t.Fatalf("%s: transcript %d is %q: not the call's first ones in order", sid(c), s, text)
			}
			s++
		}
	}
	t.Logf("crash after %v of outage: %d of %d transcripts kept, %d bytes spilled", steps*step, stored, calls*steps, len(left))
}
