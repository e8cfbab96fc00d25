// Package fifo is a queue of bytes appended at the back and taken from the
// front, for audio that arrives ahead of where it is sent: the synthesised
// audio a call has yet to play, the caller's audio a recogniser has yet to
// finalise.
//
// The queue is a list of fixed-size chunks. Each byte is copied once, into
// a chunk allocated at its final size, and a chunk leaves the queue as soon
// as everything in it has been taken: memory follows what the queue holds,
// within a chunk at either end, and no array is ever grown or moved.
//
// Bytes taken are never written again, so the slices a reader was handed
// (a frame being sent) stay valid without a copy after a Discard.
//
// A chunk holds a whole number of units (the audio's frame), and chunks
// start where the queue was last empty, so a reader taking whole units
// from the front is never handed one split across two chunks.
package fifo

// chunkBytes is the most a chunk holds, about a quarter of a second of
// telephony audio: a replay buffer that holds a second or two wastes
// little at its ends, and a reader finds a 250 ms message in one piece.
const chunkBytes = 2 << 10

// Bytes is the queue. The zero value is empty and ready, with a unit of
// one byte; New sets the unit.
type Bytes struct {
	chunk  int      // bytes in a full chunk, a whole number of units; 0: one-byte units
	chunks [][]byte // full but for the last
	off    int      // bytes taken off the front of chunks[0]
	n      int      // bytes held
}

// New returns an empty queue whose chunks hold whole units of unit bytes.
func New(unit int) Bytes { return Bytes{chunk: chunkSize(unit)} }

// Append adds p at the back.
func (q *Bytes) Append(p []byte) {
	if q.chunk == 0 {
		q.chunk = chunkSize(1)
	}
	q.n += len(p)
	for len(p) > 0 {
		last := len(q.chunks) - 1
		if last < 0 || len(q.chunks[last]) == q.chunk {
			q.chunks = append(q.chunks, make([]byte, 0, q.chunk))
			last++
		}
		c := q.chunks[last]
		k := min(len(p), q.chunk-len(c))
		q.chunks[last] = append(c, p[:k]...)
		p = p[k:]
	}
}

// chunkSize is the largest multiple of unit that fits in chunkBytes, or
// one unit if it does not.
func chunkSize(unit int) int {
	unit = max(unit, 1)
	return max(chunkBytes/unit, 1) * unit
}

// Len is how many bytes the queue holds.
func (q *Bytes) Len() int { return q.n }

// Peek returns up to n of the bytes held from offset off on, as many as
// lie in one chunk: fewer than n only where a chunk ends. The slice stays
// as it is whatever the queue does next: bytes queued are never written
// again, and the slice's capacity ends where it does.
func (q *Bytes) Peek(off, n int) []byte {
	if off < 0 || off >= q.n || n <= 0 {
		return nil
	}
	at := q.off + off
	c := q.chunks[at/q.chunk]
	i := at % q.chunk
	j := min(len(c), i+n)
	return c[i:j:j]
}

// Discard takes the first n bytes (at most Len) off the front.
func (q *Bytes) Discard(n int) {
	n = min(n, q.n)
	q.n -= n
	if q.n == 0 {
		q.Reset()
		return
	}
	q.off += n
	if full := q.off / q.chunk; full > 0 {
		k := copy(q.chunks, q.chunks[full:])
		clear(q.chunks[k:])
		q.chunks = q.chunks[:k]
		q.off %= q.chunk
	}
}

// Reset empties the queue and lets go of its chunks.
func (q *Bytes) Reset() {
	clear(q.chunks)
	q.chunks, q.off, q.n = q.chunks[:0], 0, 0
}
