package telephony

import "sync"

// outbox is a stream's queue of messages for its writer. It holds what
// is queued in a slice grown to need (a call keeps about three frames
// queued; DTMF played as tones queues ten frames a digit) up to a limit,
// and hands the writer everything queued at once, so that one wake-up
// writes a frame and its mark.
type outbox struct {
	mu    sync.Mutex
	items []outItem
	limit int
}

func newOutbox(limit int) *outbox {
	return &outbox{limit: limit}
}

// push queues an item without blocking; false when the outbox is full.
func (q *outbox) push(it outItem) bool {
	q.mu.Lock()
	if len(q.items) >= q.limit {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, it)
	q.mu.Unlock()
	return true
}

// take moves everything queued into spare (emptied first) and returns it;
// the outbox keeps spare's old array for what comes next, so the two
// arrays alternate and nothing is allocated once they are big enough.
func (q *outbox) take(spare []outItem) []outItem {
	clear(spare) // drop references to sent frames
	q.mu.Lock()
	got := q.items
	q.items = spare[:0]
	q.mu.Unlock()
	return got
}
