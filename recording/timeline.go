package recording

// timeline holds the pending (not yet written) audio of both directions in
// the input's own encoding, width bytes a sample: call sample index start+i
// is sample off+i of caller and of assistant, for i < n. Keeping the
// carrier's bytes (one a sample for G.711) rather than decoded int16 halves
// a telephony call's window and costs the call no decoding; the spool's
// reader decodes after the call. Slots no frame filled hold quiet, the
// encoding's silence byte. The backing arrays have a fixed size; compaction
// moves the pending samples to the front when the next extension would not
// fit.
type timeline struct {
	start     int64 // first pending sample: everything before it is committed
	n         int   // pending samples
	off       int   // sample index of start in the backing arrays
	width     int   // bytes a sample
	quiet     byte
	caller    []byte
	assistant []byte
}

func newTimeline(capacity, width int, quiet byte) *timeline {
	return &timeline{width: width, quiet: quiet,
		caller: make([]byte, capacity*width), assistant: make([]byte, capacity*width)}
}

// end is one past the newest pending sample.
func (t *timeline) end() int64 { return t.start + int64(t.n) }

// span is the bytes of samples [from, to) of the backing arrays.
func (t *timeline) span(b []byte, from, to int) []byte { return b[from*t.width : to*t.width] }

// extend makes the pending span reach end, with silence in the new slots.
// end-start must fit the capacity.
func (t *timeline) extend(end int64) {
	want := int(end - t.start)
	if want <= t.n {
		return
	}
	if (t.off+want)*t.width > len(t.caller) {
		copy(t.caller, t.span(t.caller, t.off, t.off+t.n))
		copy(t.assistant, t.span(t.assistant, t.off, t.off+t.n))
		t.off = 0
	}
	t.fill(t.span(t.caller, t.off+t.n, t.off+want))
	t.fill(t.span(t.assistant, t.off+t.n, t.off+want))
	t.n = want
}

// fill writes silence over b.
func (t *timeline) fill(b []byte) {
	for i := range b {
		b[i] = t.quiet
	}
}

// channel returns the pending samples of one direction.
func (t *timeline) channel(assistant bool) []byte {
	if assistant {
		return t.span(t.assistant, t.off, t.off+t.n)
	}
	return t.span(t.caller, t.off, t.off+t.n)
}

// put overwrites the samples from call sample index at, which must lie in
// [start, end), with the whole of samples (whole samples of the input
// encoding).
func (t *timeline) put(assistant bool, at int64, samples []byte) {
	copy(t.channel(assistant)[int(at-t.start)*t.width:], samples)
}

// silence silences one direction from call sample index from to the end.
func (t *timeline) silence(assistant bool, from int64) {
	if from < t.end() {
		t.fill(t.channel(assistant)[int(max(from-t.start, 0))*t.width:])
	}
}

// cut drops every pending sample at or after index at.
func (t *timeline) cut(at int64) {
	t.n = int(min(max(at-t.start, 0), int64(t.n)))
}

// head returns the first k pending samples of both directions, k ≤ n,
// valid until the timeline next changes.
func (t *timeline) head(k int) (caller, assistant []byte) {
	return t.span(t.caller, t.off, t.off+k), t.span(t.assistant, t.off, t.off+k)
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
