package records

import (
	"time"

	"github.com/switchboard-voice/switchboard/persistence"
)

// backlog holds the records not yet written, in order. A call's history
// replaces its previous one still waiting here (only the last matters), so
// an outage does not pile up a copy of the conversation per turn.
type backlog struct {
	recs  []persistence.Record
	head  int            // recs[:head] are written
	base  int            // the absolute position of recs[0]
	hist  map[string]int // call SID → absolute position of its waiting history
	since time.Time      // when the oldest waiting record came in
}

func newBacklog() *backlog { return &backlog{hist: map[string]int{}} }

func (b *backlog) len() int { return len(b.recs) - b.head }

func (b *backlog) add(r persistence.Record, now time.Time) {
	if b.len() == 0 {
		b.since = now
	}
	switch r.Kind {
	case persistence.RecordHistory:
		if at, ok := b.hist[r.CallSID]; ok && at-b.base >= b.head {
			b.recs[at-b.base] = r
			return
		}
		b.hist[r.CallSID] = b.base + len(b.recs)
	case persistence.RecordEnded:
		delete(b.hist, r.CallSID) // no history follows a call's end
	}
	b.recs = append(b.recs, r)
}

// peek returns up to n of the oldest records; they stay until drop.
func (b *backlog) peek(n int) []persistence.Record {
	return b.recs[b.head : b.head+min(n, b.len())]
}

// drop removes the n oldest records.
func (b *backlog) drop(n int) {
	clear(b.recs[b.head : b.head+n]) // let the collector have them
	b.head += n
	switch {
	case b.head == len(b.recs):
		b.base += b.head
		b.recs, b.head = b.recs[:0], 0
		clear(b.hist)
	case b.head >= 4096 && b.head > len(b.recs)/2:
		n := copy(b.recs, b.recs[b.head:])
		clear(b.recs[n:])
		b.base += b.head
		b.recs, b.head = b.recs[:n], 0
	}
}
