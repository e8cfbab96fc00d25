package recording

// timeline holds the pending (not yet written) audio of both directions:
// call sample index start+i is caller[off+i] and assistant[off+i], for
// i < n. Slots no frame filled are zero (silence). The backing arrays have a
// fixed size; compaction moves the pending samples to the front when the
// next extension would not fit.
type timeline struct {
	start     int64 // first pending sample: everything before it is committed
	n         int   // pending samples
	off       int   // index of start in the backing arrays
	caller    []int16
	assistant []int16
}

func newTimeline(capacity int) *timeline {
	return &timeline{caller: make([]int16, capacity), assistant: make([]int16, capacity)}
}

// end is one past the newest pending sample.
func (t *timeline) end() int64 { return t.start + int64(t.n) }

// extend makes the pending span reach end, with silence in the new slots.
// end-start must fit the capacity.
func (t *timeline) extend(end int64) {
	want := int(end - t.start)
	if want <= t.n {
		return
	}
	if t.off+want > len(t.caller) {
		copy(t.caller, t.caller[t.off:t.off+t.n])
		copy(t.assistant, t.assistant[t.off:t.off+t.n])
		t.off = 0
	}
	clear(t.caller[t.off+t.n : t.off+want])
	clear(t.assistant[t.off+t.n : t.off+want])
	t.n = want
}

// channel returns the pending samples of one direction.
func (t *timeline) channel(assistant bool) []int16 {
	if assistant {
		return t.assistant[t.off : t.off+t.n]
	}
	return t.caller[t.off : t.off+t.n]
}

// put overwrites the samples at call sample index at, which must lie in
// [start, end) with the whole of pcm.
func (t *timeline) put(assistant bool, at int64, pcm []int16) {
	copy(t.channel(assistant)[at-t.start:], pcm)
}

// silence zeroes one direction from call sample index from to the end.
func (t *timeline) silence(assistant bool, from int64) {
	if from < t.end() {
		clear(t.channel(assistant)[max(from-t.start, 0):])
	}
}

// cut drops every pending sample at or after index at.
func (t *timeline) cut(at int64) {
	t.n = int(min(max(at-t.start, 0), int64(t.n)))
}

// take moves the first k samples of both directions (silence past the
// pending span) into c and commits them.
func (t *timeline) take(c *chunk, k int) {
	c.start = t.start
	c.caller, c.assistant = c.caller[:k], c.assistant[:k]
	m := min(k, t.n)
	copy(c.caller, t.caller[t.off:t.off+m])
	copy(c.assistant, t.assistant[t.off:t.off+m])
	clear(c.caller[m:])
	clear(c.assistant[m:])
	t.discard(k)
}

// discard commits the first k samples without keeping them.
func (t *timeline) discard(k int) {
	m := min(k, t.n)
	t.start += int64(k)
	t.off += m
	t.n -= m
	if t.n == 0 {
		t.off = 0
	}
}

// skipTo commits everything up to index at, which is past the pending span.
func (t *timeline) skipTo(at int64) {
	t.start, t.n, t.off = at, 0, 0
}
