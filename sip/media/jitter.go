package media

// packet is one RTP packet of the caller's stream, as the jitter buffer
// keeps it. A pushed packet's payload may be reused once push returns:
// what waits is copied.
type packet struct {
	seq       uint16
	timestamp uint32
	pt        uint8
	marker    bool
	payload   []byte
}

// jitter reorders the caller's packets: a packet is released once every
// earlier one has been, or once depth later packets wait behind a gap (the
// missing ones are then lost: released is told how many samples they
// held). A packet older than the last released is late and dropped.
type jitter struct {
	depth    int
	started  bool
	next     uint16
	nextTS   uint32 // the timestamp expected after what was released
	audioPT  uint8
	pending  []packet // not yet released, in no particular order
	late     uint64
	released func(p packet, lostSamples int)
}

// maxGap bounds the silence put in place of lost packets: 200 ms.
const maxGap = 1600

func newJitter(depth int, audioPT uint8, released func(p packet, lostSamples int)) *jitter {
	return &jitter{depth: depth, audioPT: audioPT, released: released}
}

// reset forgets the stream (a new SSRC).
func (j *jitter) reset() {
	j.started = false
	j.pending = j.pending[:0]
}

func (j *jitter) push(p packet) {
	if !j.started {
		j.started, j.next, j.nextTS = true, p.seq, p.timestamp
	}
	d := int16(p.seq - j.next)
	switch {
	case d < 0:
		j.late++
		return
	case d > 3000: // a jump (the far end restarted its stream): start over
		j.flush()
		j.next, j.nextTS = p.seq, p.timestamp
	}
	for _, q := range j.pending {
		if q.seq == p.seq {
			return // a duplicate
		}
	}
	if d == 0 && len(j.pending) == 0 { // in order, as most are: released as it is
		j.next = p.seq + 1
		if p.pt == j.audioPT {
			j.nextTS = p.timestamp + uint32(len(p.payload))
		}
		j.released(p, 0)
		return
	}
	p.payload = append([]byte(nil), p.payload...) // the caller's buffer is reused
	j.pending = append(j.pending, p)
	j.drain()
	for len(j.pending) > j.depth {
		j.skip()
		j.drain()
	}
}

// drain releases the packets that follow the last released.
func (j *jitter) drain() {
	for {
		i := j.find(j.next)
		if i < 0 {
			return
		}
		j.release(i, 0)
	}
}

// skip gives up on the missing packets before the earliest waiting one.
func (j *jitter) skip() {
	best := 0
	for i, q := range j.pending {
		if int16(q.seq-j.pending[best].seq) < 0 {
			best = i
		}
	}
	p := j.pending[best]
	lost := 0
	if p.pt == j.audioPT {
		if gap := int32(p.timestamp - j.nextTS); gap > 0 {
			lost = min(int(gap), maxGap)
		}
	}
	j.next = p.seq
	j.release(best, lost)
}

// flush releases everything waiting, in order.
func (j *jitter) flush() {
	for len(j.pending) > 0 {
		j.skip()
		j.drain()
	}
}

func (j *jitter) find(seq uint16) int {
	for i, q := range j.pending {
		if q.seq == seq {
			return i
		}
	}
	return -1
}

func (j *jitter) release(i int, lost int) {
	p := j.pending[i]
	last := len(j.pending) - 1
	j.pending[i] = j.pending[last]
	j.pending = j.pending[:last]
	j.next = p.seq + 1
	if p.pt == j.audioPT {
		j.nextTS = p.timestamp + uint32(len(p.payload))
	}
	j.released(p, lost)
}
