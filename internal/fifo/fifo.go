// Package fifo is a queue of bytes appended at the back and taken from the
// front, for audio that arrives ahead of where it is sent: the synthesised
// audio a call has yet to play, the caller's audio a recogniser has yet to
// finalise.
//
// Bytes taken are never written again, so the slices of them a reader was
// handed (a frame being sent) stay valid without a copy. A plain slice
// advanced from the front would keep every byte taken in memory until
// appends reach the end of its array: a long utterance played or finalised
// would stay there for seconds. Bytes instead moves what it holds to an
// array of its own once more has been taken off the front of the current
// one than it holds (and at least Compact bytes), a copy of no more than
// what the move frees.
package fifo

// Compact is the least that must have been taken off an array's front
// before what follows moves: half a second of telephony audio.
const Compact = 4 << 10

// Bytes is the queue. The zero value is empty and ready.
type Bytes struct {
	b     []byte
	array int // size of b's backing array, of which b is the tail
}

// Append adds p at the back.
func (q *Bytes) Append(p []byte) {
	grow := len(q.b)+len(p) > cap(q.b)
	q.b = append(q.b, p...)
	if grow {
		q.array = cap(q.b)
	}
}

// Bytes is what the queue holds, valid until the next Append (the bytes
// themselves stay as they are after a Discard or Reset).
func (q *Bytes) Bytes() []byte { return q.b }

// Len is how many bytes the queue holds.
func (q *Bytes) Len() int { return len(q.b) }

// Discard takes the first n bytes (at most Len) off the front.
func (q *Bytes) Discard(n int) {
	q.b = q.b[n:]
	if taken := q.array - cap(q.b); taken >= Compact && taken > len(q.b) {
		q.b = append(make([]byte, 0, 2*len(q.b)), q.b...)
		q.array = cap(q.b)
	}
}

// Reset empties the queue and lets go of its array.
func (q *Bytes) Reset() { q.b, q.array = nil, 0 }
