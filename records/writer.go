// Package records keeps the record of every call. Its Writer receives the
// events calls publish (it is an events.Sink), numbers them per call and
// writes them to PostgreSQL in batches: the call row, final transcripts,
// the conversation (chat messages), every other event, and the webhooks
// they cause (persistence.Record says which rows).
//
// Writes never hold a call up. Publish appends to a queue under a mutex
// and returns; one goroutine does the rest, with one batch write in flight
// at a time on a goroutine of its own. A record that is not written within
// Options.SpillAfter (the database is down, or slow) is appended to an
// append-only spill file and synced, in small batches: a crash loses at
// most the records of the last SpillAfter. Memory holds at most
// Options.MaxBuffered records between those appends. Once the database
// answers again the spill file is written first, in order, then what is in
// memory. A spill file left by an earlier process is written before
// anything else. Every record
// is idempotent (keyed by call SID and its number within the call, or
// guarded by the call's state), so whatever is written twice — a batch
// whose commit was not acknowledged, a spill file replayed again after a
// crash — is stored once.
package records

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Store writes records: *persistence.Store.
type Store interface {
	WriteRecords(ctx context.Context, recs []persistence.Record) error
}

// StatusRecorder takes carrier status callbacks (ringing, in-progress,
// completed, busy, no-answer, failed, canceled: persistence.CallStatuses,
// to which each carrier's own values are mapped). It must not block: the
// Writer queues the status with the call's events. A status for a call
// without a record yet (an inbound call's media has not started) is
// ignored.
type StatusRecorder interface {
	RecordStatus(ctx context.Context, carrier, callSID, status string, at time.Time) error
}

// Options configure a Writer.
type Options struct {
	Store     Store
	SpillPath string // the spill file; it need not exist

	SpillAfter      time.Duration // how long a record not yet written stays in memory only: the most a crash loses; 200 ms when zero
	MaxBuffered     int           // records held in memory before spilling sooner; 50,000 when zero
	BatchSize       int           // records per batch; 1,000 when zero
	Interval        time.Duration // how long a record may wait for a fuller batch; 50 ms when zero
	AttemptTimeout  time.Duration // bound of one batch write; 5 s when zero
	RetryMin        time.Duration // first wait after a failed write; 100 ms when zero
	RetryMax        time.Duration // longest wait between attempts; 5 s when zero
	LiveTranscripts bool          // also send `transcript` webhooks, interim and final
	Boot            string        // this engine process (persistence.BootID): the owner of the calls it records
	Clock           clock.Clock   // the real clock when nil
	Log             *slog.Logger
	// Written, when set, is called after each batch written, on the
	// writer's goroutine: it must not block (the webhook dispatcher's Kick).
	Written func()
}

func (o *Options) defaults() {
	set := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.MaxBuffered <= 0 {
		o.MaxBuffered = 50_000
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	set(&o.Interval, 50*time.Millisecond)
	set(&o.SpillAfter, 200*time.Millisecond)
	set(&o.AttemptTimeout, 5*time.Second)
	set(&o.RetryMin, 100*time.Millisecond)
	set(&o.RetryMax, 5*time.Second)
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// input is one published event.
type input struct {
	sid string
	at  time.Time
	e   events.Event
}

var (
	_ events.Sink    = (*Writer)(nil)
	_ StatusRecorder = (*Writer)(nil)
)

// Writer is the batching call-record writer.
type Writer struct {
	opt Options
	log *slog.Logger

	mu     sync.Mutex
	queue  []input // published, not yet taken by the loop
	spare  []input
	idle   bool // the loop waits for a first record: wake it
	need   int  // queue length that completes a batch with the backlog: wake the loop (0: never, while down)
	closed bool

	wake    chan struct{}
	tick    chan struct{}
	flushes chan chan error
	results chan error // the outcome of the batch in flight
	stop    chan context.Context
	done    chan struct{}

	backlogLen atomic.Int64
	spillBytes atomic.Int64
	dropped    atomic.Int64
	warnedLate atomic.Bool
	closeErr   error
	stopOnce   sync.Once

	// owned by the loop
	conv       *converter
	backlog    *backlog
	spill      *spill
	flight     *batch               // the batch being written, nil when none is
	buf        []persistence.Record // the records of a batch from the backlog (reused)
	spillRetry time.Time            // after a failed append, the next one waits until then
	down       bool
	backoff    time.Duration
	retryAt    time.Time
	timer      clock.Timer
	timerAt    time.Time
	waiters    []chan error
}

// batch is a write in flight and where its records come from.
type batch struct {
	recs   []persistence.Record
	source source
}

type source int

const (
	fromBacklog source = iota // dropped from the backlog once written
	fromSpill                 // consumed from the spill file once written
	respilled                 // from the backlog, since appended to the spill file: written again from there
)

// New opens the spill file (writing what an earlier process left in it
// comes first) and starts the writer.
func New(o Options) (*Writer, error) {
	o.defaults()
	if o.Store == nil || o.SpillPath == "" {
		return nil, fmt.Errorf("records: a store and a spill path are required")
	}
	sp, torn, err := openSpill(o.SpillPath)
	if err != nil {
		return nil, err
	}
	w := &Writer{
		opt: o, log: o.Log, conv: newConverter(o.LiveTranscripts, o.Boot, o.Log), backlog: newBacklog(), spill: sp,
		wake: make(chan struct{}, 1), tick: make(chan struct{}, 1), flushes: make(chan chan error), results: make(chan error, 1),
		stop: make(chan context.Context), done: make(chan struct{}), need: o.BatchSize,
	}
	if torn > 0 {
		w.log.Warn("spill file ended in a torn line: cut off", "path", o.SpillPath, "bytes", torn)
	}
	if !sp.empty() {
		w.log.Info("spill file from an earlier run: writing it first", "path", o.SpillPath, "records", sp.count)
	}
	w.spillBytes.Store(sp.size)
	go w.run()
	return w, nil
}

// Publish implements events.Sink. It never blocks and does not allocate
// (beyond the queue's occasional growth).
func (w *Writer) Publish(callID string, at time.Time, e events.Event) {
	w.enqueue(input{sid: callID, at: at, e: e})
}

// CallPlaced records an outbound call the carrier accepted, before it is
// answered: its status updates have a call to apply to.
func (w *Writer) CallPlaced(callSID string, at time.Time, info persistence.CallInfo) {
	w.enqueue(input{sid: callSID, at: at, e: placedEvent{info: info}})
}

// RecordingSaved records a call's recording files. It comes after the
// call's end (the files are finished off the call), so it is written on
// its own, like a status.
func (w *Writer) RecordingSaved(callSID string, at time.Time, files []persistence.RecordingFile) {
	w.enqueue(input{sid: callSID, at: at, e: recordedEvent{files: files}})
}

// RecordStatus implements StatusRecorder.
func (w *Writer) RecordStatus(_ context.Context, carrier, callSID, status string, at time.Time) error {
	if !slices.Contains(persistence.CallStatuses, status) {
		return fmt.Errorf("%w: %q", ErrUnknownStatus, status)
	}
	w.enqueue(input{sid: callSID, at: at, e: statusEvent{carrier: carrier, status: status}})
	return nil
}

func (w *Writer) enqueue(in input) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		w.dropped.Add(1)
		if !w.warnedLate.Swap(true) {
			w.log.Error("call record published after the writer closed: dropped", "call_sid", in.sid, "kind", in.e.Kind())
		}
		return
	}
	w.queue = append(w.queue, in)
	n := len(w.queue)
	wake := w.idle || n == w.need
	w.idle = false
	w.mu.Unlock()
	if wake {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// Flush waits until every record published before it is written, and
// fails (ErrUnavailable) as soon as a write fails: what was not written
// stays queued.
func (w *Writer) Flush(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case w.flushes <- reply:
	case <-w.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes what it can until ctx ends or a write fails, puts the rest
// in the spill file for the next start, and stops. Drain the calls first:
// events published later are dropped.
func (w *Writer) Close(ctx context.Context) error {
	w.stopOnce.Do(func() { w.stop <- ctx })
	<-w.done
	return w.closeErr
}

// QueueDepth is how many records (or events) wait in memory.
func (w *Writer) QueueDepth() int {
	w.mu.Lock()
	n := len(w.queue)
	w.mu.Unlock()
	return n + int(w.backlogLen.Load())
}

// SpillBytes is the size of the spill file.
func (w *Writer) SpillBytes() int64 { return w.spillBytes.Load() }

// Dropped counts records lost: refused by the database (data it cannot
// store), unreadable in the spill file, or published after Close.
func (w *Writer) Dropped() int64 { return w.dropped.Load() }

func (w *Writer) run() {
	defer close(w.done)
	for {
		w.take()
		w.spillStale()
		w.bound()
		if w.flight == nil && w.due() {
			w.launch()
		}
		w.answer(nil)
		w.arm()
		select {
		case <-w.wake:
		case <-w.tick:
			w.timer, w.timerAt = nil, time.Time{}
		case r := <-w.flushes:
			w.waiters = append(w.waiters, r)
		case err := <-w.results:
			_ = w.land(err) // a failure answers the Flush calls waiting
		case ctx := <-w.stop:
			w.shutdown(ctx)
			return
		}
	}
}

// take converts what was published into the backlog.
func (w *Writer) take() {
	w.mu.Lock()
	q := w.queue
	w.queue = w.spare[:0]
	w.mu.Unlock()
	if len(q) > 0 {
		now := w.opt.Clock.Now()
		for _, in := range q {
			w.conv.convert(in.sid, in.at, in.e, func(r persistence.Record) { w.backlog.add(r, now) })
		}
		clear(q)
	}
	w.spare = q
	w.backlogLen.Store(int64(w.backlog.len()))
}

// due reports whether to write a batch now.
func (w *Writer) due() bool {
	if w.spill.empty() && w.backlog.len() == 0 {
		return false
	}
	now := w.opt.Clock.Now()
	if w.down {
		return len(w.waiters) > 0 || !now.Before(w.retryAt)
	}
	return !w.spill.empty() || len(w.waiters) > 0 || w.backlog.len() >= w.opt.BatchSize ||
		!now.Before(w.backlog.since.Add(w.opt.Interval))
}

// spillAt is when the backlog goes to the spill file: SpillAfter after its
// oldest record came in (zero when it is empty).
func (w *Writer) spillAt() time.Time {
	if w.backlog.len() == 0 {
		return time.Time{}
	}
	at := w.backlog.since.Add(w.opt.SpillAfter)
	if at.Before(w.spillRetry) {
		return w.spillRetry
	}
	return at
}

// arm sets the timer for the next time something is due, and tells
// publishers when to wake the loop: when the backlog is empty (the first
// record must be taken to be spilled in time), or once they complete a
// batch it can write.
func (w *Writer) arm() {
	at := w.spillAt()
	if w.flight == nil && !(w.spill.empty() && w.backlog.len() == 0) {
		next := w.backlog.since.Add(w.opt.Interval)
		if w.down {
			next = w.retryAt
		}
		if at.IsZero() || next.Before(at) {
			at = next
		}
	}
	need := max(w.opt.BatchSize-w.backlog.len(), 1)
	if w.down || w.flight != nil {
		need = 0 // the retry timer or the write's end wakes the loop
	}
	w.mu.Lock()
	w.idle = w.backlog.len() == 0 // the first record starts the SpillAfter clock
	w.need = need
	pending := len(w.queue)
	w.mu.Unlock()
	// What was published since the loop last took the queue may already
	// be due: publishers compared against the previous need.
	if pending > 0 && (w.backlog.len() == 0 || (need > 0 && pending >= need)) {
		w.poke(w.wake)
	}
	if at.Equal(w.timerAt) {
		return
	}
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.timerAt = at
	if !at.IsZero() {
		w.timer = w.opt.Clock.AfterFunc(at.Sub(w.opt.Clock.Now()), func() { w.poke(w.tick) })
	}
}

func (w *Writer) poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// spillStale moves the backlog to the spill file once its oldest record
// has waited SpillAfter without being written.
func (w *Writer) spillStale() {
	if at := w.spillAt(); !at.IsZero() && !w.opt.Clock.Now().Before(at) {
		w.spillBacklog()
	}
}

// bound moves the backlog to the spill file once it holds more than
// MaxBuffered records.
func (w *Writer) bound() {
	if w.backlog.len() > w.opt.MaxBuffered && !w.opt.Clock.Now().Before(w.spillRetry) {
		w.spillBacklog()
	}
}

// spillBacklog appends the backlog to the spill file. If the file cannot
// be written the records stay in memory (losing them would be worse) and
// the next append waits SpillAfter.
func (w *Writer) spillBacklog() {
	n := w.backlog.len()
	if err := w.spill.append(w.backlog.peek(n)); err != nil {
		w.log.Error("call records cannot be spilled: keeping them in memory", "records", n, "err", err)
		w.spillRetry = w.opt.Clock.Now().Add(w.opt.SpillAfter)
		return
	}
	w.spillRetry = time.Time{}
	if w.flight != nil && w.flight.source == fromBacklog {
		w.flight.source = respilled
	}
	w.backlog.drop(n)
	w.backlogLen.Store(0)
	w.spillBytes.Store(w.spill.size)
}

// launch starts writing the oldest batch: from the spill file while it has
// records, else from the backlog. A batch from the backlog is copied: the
// backlog may change while it is written.
func (w *Writer) launch() {
	b := &batch{source: fromBacklog}
	if !w.spill.empty() {
		recs, bad, err := w.spill.peek(w.opt.BatchSize)
		if err != nil {
			w.fail(err)
			w.answer(err)
			return
		}
		if bad > 0 {
			w.dropped.Add(int64(bad))
			w.log.Error("unreadable spill file lines skipped", "path", w.opt.SpillPath, "lines", bad)
		}
		b.recs, b.source = recs, fromSpill
	} else {
		w.buf = append(w.buf[:0], w.backlog.peek(w.opt.BatchSize)...)
		b.recs = w.buf
	}
	w.flight = b
	go func() { w.results <- w.write(b.recs) }()
}

// land takes the outcome of the batch in flight.
func (w *Writer) land(err error) error {
	b := w.flight
	w.flight = nil
	if b.source != fromSpill {
		clear(w.buf) // let the collector have them
	}
	if err != nil {
		w.fail(err)
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		w.answer(err)
		return err
	}
	if w.down {
		w.log.Info("database writable again: writing buffered call records", "in_memory", w.backlog.len(),
			"spilled", w.spill.count)
		w.down, w.backoff = false, 0
	}
	if w.opt.Written != nil {
		w.opt.Written()
	}
	switch b.source {
	case fromSpill:
		if err := w.spill.advance(); err != nil {
			w.log.Error("spill file not truncated: it will be written again (harmlessly)", "err", err)
		}
		w.spillBytes.Store(w.spill.size)
	case fromBacklog:
		w.backlog.drop(len(b.recs))
		w.backlogLen.Store(int64(w.backlog.len()))
	case respilled: // written again from the spill file: idempotent
	}
	return nil
}

// write writes a batch. If the database refuses data in it (not the
// connection: the data), the records are written one by one and those it
// refuses are dropped, so one bad record cannot hold up every other.
func (w *Writer) write(recs []persistence.Record) error {
	err := w.attempt(recs)
	if err == nil || !persistence.Rejected(err) {
		return err
	}
	for i := range recs {
		err := w.attempt(recs[i : i+1])
		switch {
		case err == nil:
		case persistence.Rejected(err):
			w.dropped.Add(1)
			w.log.Error("call record refused by the database: dropped", "call_sid", recs[i].CallSID,
				"kind", recs[i].Kind, "seq", recs[i].Seq, "err", err)
		default:
			return err
		}
	}
	return nil
}

func (w *Writer) attempt(recs []persistence.Record) error {
	ctx, cancel := context.WithTimeout(context.Background(), w.opt.AttemptTimeout)
	defer cancel()
	return w.opt.Store.WriteRecords(ctx, recs)
}

// fail backs off exponentially before the next attempt.
func (w *Writer) fail(err error) {
	if !w.down {
		w.log.Warn("call records cannot be written: buffering them", "err", err)
		w.down, w.backoff = true, w.opt.RetryMin
	} else {
		w.backoff = min(2*w.backoff, w.opt.RetryMax)
	}
	w.retryAt = w.opt.Clock.Now().Add(w.backoff)
}

// answer completes the Flush calls waiting: with err if a write failed,
// with nil once everything is written.
func (w *Writer) answer(err error) {
	if len(w.waiters) == 0 || (err == nil && (w.flight != nil || !w.spill.empty() || w.backlog.len() > 0)) {
		return
	}
	for _, r := range w.waiters {
		r <- err
	}
	w.waiters = nil
}

// shutdown waits for the write in flight, writes while it can, spills the
// rest and closes the file.
func (w *Writer) shutdown(ctx context.Context) {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
	if w.flight != nil {
		_ = w.land(<-w.results)
	}
	w.take()
	for (!w.spill.empty() || w.backlog.len() > 0) && ctx.Err() == nil {
		if w.launch(); w.flight == nil {
			break // the spill file cannot be read
		}
		if err := w.land(<-w.results); err != nil {
			break
		}
	}
	if n := w.backlog.len(); n > 0 {
		if err := w.spill.append(w.backlog.peek(n)); err != nil {
			w.closeErr = fmt.Errorf("records: %d call records lost at shutdown: %w", n, err)
			w.dropped.Add(int64(n))
		} else {
			w.log.Warn("call records left in the spill file for the next start", "records", n, "path", w.opt.SpillPath)
			w.backlog.drop(n)
		}
	}
	w.backlogLen.Store(int64(w.backlog.len()))
	w.spillBytes.Store(w.spill.size)
	if err := w.spill.close(); err != nil && w.closeErr == nil {
		w.closeErr = fmt.Errorf("records: close spill file: %w", err)
	}
	for _, r := range w.waiters {
		r <- ErrClosed
	}
	w.waiters = nil
}
