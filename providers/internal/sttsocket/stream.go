package sttsocket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/fifo"
	"github.com/switchboard-voice/switchboard/internal/writers"
	"github.com/switchboard-voice/switchboard/voice"
)

// errGap is audio discarded (Config.MaxBuffered) before it could be sent:
// the connection's timeline is broken, so a new one starts after the gap.
var errGap = errors.New("stt: unsent audio discarded")

// stream is one call's recognition session. One goroutine (run) owns the
// connections' lifecycle: it dials, reads each connection's messages into
// events, and reconnects. Audio and controls from the outbox are written
// by a pooled writer (internal/writers), scheduled when the outbox has
// something and on a timer that keeps the connection alive and detects a
// service that stopped answering. Emits happen on run and on that writer
// only, and Close waits for both.
type stream struct {
	opts   Options
	cfg    Config
	format voice.Format
	emit   func(voice.STTEvent)
	proto  Protocol
	out    outbox
	chunk  int // largest audio message

	ctx    context.Context
	cancel context.CancelFunc
	pool   *writers.Pool
	writer atomic.Pointer[connWriter] // the current connection's; nil between connections
	done   chan struct{}              // closed when run has exited

	t0        time.Time
	lastRecv  atomic.Int64 // time since t0 of the last server message
	final     atomic.Int64 // the recognizer's finalized point, for the writer
	keep      atomic.Int64 // and its replay point
	closeSent atomic.Bool  // the close message went out on the current connection

	// run's only
	failures int // connection attempts in a row without progress
	rbuf     bytes.Buffer
}

func newStream(ctx context.Context, opts Options, p Protocol, emit func(voice.STTEvent)) *stream {
	s := &stream{
		opts:   opts,
		cfg:    opts.Config,
		format: opts.Format,
		emit:   emit,
		proto:  p,
		chunk:  opts.Format.Bytes(250 * time.Millisecond),
		pool:   opts.Writers,
		done:   make(chan struct{}),
		t0:     time.Now(),
	}
	if s.pool == nil {
		s.pool = writers.Shared("stt")
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.out.frame = int64(opts.Format.FrameBytes())
	s.out.buf = fifo.New(opts.Format.FrameBytes())
	s.out.limit = opts.Format.Bytes(s.cfg.MaxBuffered)
	return s
}

// SendAudio queues a frame; it never waits for the network.
func (s *stream) SendAudio(frame []byte) error {
	if err := s.out.add(frame); err != nil {
		return err
	}
	s.notify()
	return nil
}

// Finalize asks the service to finalize the audio sent so far, with the
// protocol's message for it.
func (s *stream) Finalize() error {
	if typ, _ := s.proto.Finalize(); typ == 0 {
		return ErrUnsupported
	}
	if err := s.out.control(ctrlFinalize); err != nil {
		return err
	}
	s.notify()
	return nil
}

// Close sends the queued audio and the close message, waits up to
// Config.CloseTimeout for the last results, then releases everything.
// Nothing is emitted once it returns.
func (s *stream) Close() error {
	if s.out.control(ctrlClose) == nil {
		s.notify()
	}
	t := time.NewTimer(s.cfg.CloseTimeout)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		s.cancel()
		<-s.done
	}
	return nil
}

// notify schedules the current connection's writer.
func (s *stream) notify() {
	if w := s.writer.Load(); w != nil {
		w.slot.Notify()
	}
}

func (s *stream) since() time.Duration { return time.Since(s.t0) }

// connect dials until a connection is up, waiting between attempts. It
// gives up after MaxAttempts attempts in a row without progress, or at once
// on a refusal that will not pass. last is why the previous connection
// ended, if one did.
func (s *stream) connect(last error) (*websocket.Conn, error) {
	for {
		if s.failures >= s.cfg.MaxAttempts {
			return nil, fmt.Errorf("%w after %d attempts: %w", ErrGaveUp, s.failures, last)
		}
		if s.failures > 0 {
			t := time.NewTimer(s.backoff(s.failures, last))
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				return nil, fmt.Errorf("%w: %w", ErrClosed, context.Cause(s.ctx))
			}
		}
		s.failures++
		c, err := s.dial()
		if err == nil {
			return c, nil
		}
		if s.ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", ErrClosed, context.Cause(s.ctx))
		}
		if permanent(err) {
			return nil, err
		}
		last = err
	}
}

// run is the stream's goroutine: it serves connection after connection until
// the stream closes, the context ends, or reconnecting fails.
func (s *stream) run(c *websocket.Conn) {
	defer close(s.done)
	defer s.cancel()
	for {
		before := s.final.Load()
		err := s.serve(c)
		if s.final.Load() > before {
			s.failures = 0
		}
		if err == nil || s.ctx.Err() != nil {
			s.out.finish(ErrClosed)
			return
		}
		if permanent(err) {
			s.out.finish(err)
			s.emit(&voice.STTError{Err: err, Fatal: true})
			return
		}
		s.emit(&voice.STTError{Err: fmt.Errorf("%w: %w", ErrDropped, err)})
		s.proto.Dropped()
		if c, err = s.connect(err); err != nil {
			if s.ctx.Err() != nil {
				s.out.finish(ErrClosed)
				return
			}
			s.out.finish(err)
			s.emit(&voice.STTError{Err: err, Fatal: true})
			return
		}
	}
}

// serve runs one connection: it replays the audio not yet finalized, then
// sends new audio and controls as they come, on a pooled writer, while it
// reads the service's messages. It returns nil when the service has
// finished after the close message, else why the connection ended.
func (s *stream) serve(c *websocket.Conn) error {
	s.trim(^uint64(0))
	s.out.mu.Lock()
	start, replayEnd := s.out.head, s.out.end()
	s.out.mu.Unlock()
	s.closeSent.Store(false)
	s.proto.Connect(s.format.Duration(int(start)), s.format.Duration(int(replayEnd)))

	// a cancelled stream must not wait for a read, or a write stuck on a
	// full socket
	stop := context.AfterFunc(s.ctx, func() { c.Close() })
	defer stop()
	w := &connWriter{s: s, c: c, timeout: s.cfg.StallTimeout, last: time.Now(), sent: start,
		every: max(min(s.cfg.KeepAlive, s.cfg.StallTimeout)/4, 5*time.Millisecond)}
	w.slot = writers.NewSlot(s.pool, w.flushOut)
	w.arm()
	s.writer.Store(w)
	w.slot.Notify() // the replay, and what was queued meanwhile

	err := s.read(c)
	s.writer.Store(nil)
	w.disarm()
	c.Close()
	w.slot.Stop()
	switch {
	case err == nil:
		return nil
	case w.failure != nil: // the writer closed the connection: its error is the cause
		return w.failure
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	}
	return err
}

// connWriter writes to one connection, on a pooled writer, one flush at a
// time: its fields are the flush's own but for the ticker's.
type connWriter struct {
	s       *stream
	c       *websocket.Conn
	slot    *writers.Slot
	timeout time.Duration
	last    time.Time // last write
	sent    int64     // stream offset sent on the connection
	sentSeq uint64    // last control sent on it
	// awaiting is when the oldest audio was sent that no server message
	// has followed yet; zero if none
	awaiting time.Time
	failure  error // why the writer closed the connection; read by serve once the slot stopped

	every   time.Duration // tick interval
	tickDue atomic.Bool
	tmu     sync.Mutex
	ticker  *time.Timer // nil once disarmed
}

// arm starts the ticks that keep the connection alive and detect a stall:
// a timer schedules the writer, no goroutine waits for it.
func (w *connWriter) arm() {
	w.tmu.Lock()
	w.ticker = time.AfterFunc(w.every, w.onTick)
	w.tmu.Unlock()
}

func (w *connWriter) onTick() {
	w.tickDue.Store(true)
	w.slot.Notify()
	w.tmu.Lock()
	if w.ticker != nil {
		w.ticker.Reset(w.every)
	}
	w.tmu.Unlock()
}

func (w *connWriter) disarm() {
	w.tmu.Lock()
	w.ticker.Stop()
	w.ticker = nil
	w.tmu.Unlock()
}

// flushOut runs on the pooled writer: it sends what the outbox holds and,
// when a tick is due, keeps the connection alive and checks for a stall.
// A failure closes the connection, which ends serve's read.
func (w *connWriter) flushOut() {
	if w.failure != nil {
		return
	}
	err := w.s.flush(w)
	if err == nil && w.tickDue.Swap(false) {
		err = w.s.tick(w)
	}
	if err != nil {
		w.failure = err
		w.c.Close()
	}
}

func (w *connWriter) write(typ int, b []byte) error {
	w.last = time.Now()
	if err := w.c.SetWriteDeadline(w.last.Add(w.timeout)); err != nil {
		return err
	}
	return w.c.WriteMessage(typ, b)
}

// flush sends everything the outbox holds for this connection.
func (s *stream) flush(w *connWriter) error {
	s.trim(w.sentSeq)
	for {
		audio, ctl, gap := s.out.next(w.sent, w.sentSeq, s.chunk)
		switch {
		case gap:
			return errGap
		case len(audio) > 0:
			if err := w.write(s.proto.Audio(audio)); err != nil {
				return err
			}
			w.sent += int64(len(audio))
			if q, quiet := s.proto.(Quiet); quiet && !q.Expects(audio) {
				continue
			}
			if w.awaiting.IsZero() || s.answered(w.awaiting) {
				w.awaiting = w.last
			}
		case ctl.kind == ctrlFinalize:
			if err := w.write(s.proto.Finalize()); err != nil {
				return err
			}
			w.sentSeq = ctl.seq
		case ctl.kind == ctrlClose:
			s.closeSent.Store(true)
			if err := w.write(s.proto.Close()); err != nil {
				return err
			}
			w.sentSeq = ctl.seq
		default:
			return nil
		}
	}
}

// tick keeps an idle connection alive, detects a service that stopped
// answering, and reports audio discarded for lack of room.
func (s *stream) tick(w *connWriter) error {
	if n := s.out.takeDropped(); n > 0 {
		s.emit(&voice.STTError{Err: fmt.Errorf("%w: %v", ErrAudioDropped, s.format.Duration(int(n)))})
	}
	now := time.Now()
	if !w.awaiting.IsZero() {
		switch {
		case s.answered(w.awaiting):
			w.awaiting = time.Time{}
		case now.Sub(w.awaiting) >= s.cfg.StallTimeout:
			return ErrStalled
		}
	}
	if ka := s.proto.KeepAlive(); ka != nil && !s.closeSent.Load() && now.Sub(w.last) >= s.cfg.KeepAlive {
		return w.write(websocket.TextMessage, ka)
	}
	return nil
}

// answered reports whether a server message arrived after t.
func (s *stream) answered(t time.Time) bool {
	return time.Duration(s.lastRecv.Load()) >= t.Sub(s.t0)
}

// trim lets the outbox forget what the service has finalized and need not
// hear again, and the Finalize controls sent up to sentSeq it answered.
func (s *stream) trim(sentSeq uint64) {
	keep, final := time.Duration(s.keep.Load()), time.Duration(s.final.Load())
	if q, quiet := s.proto.(Quiet); quiet {
		r := q.Released()
		keep, final = max(keep, r), max(final, r)
	}
	s.out.trim(int64(s.format.Bytes(keep)), int64(s.format.Bytes(final)), sentSeq)
}

// read maps a connection's messages to events until it ends, and says
// why: nil when the service finished after the close message.
func (s *stream) read(c *websocket.Conn) error {
	ended := false // the service sent its last message
	for {
		typ, r, err := c.NextReader()
		if err != nil {
			return s.readEnd(err, ended)
		}
		s.lastRecv.Store(int64(s.since()))
		if typ != websocket.TextMessage {
			continue
		}
		s.rbuf.Reset()
		if _, err := s.rbuf.ReadFrom(r); err != nil {
			return err
		}
		fin, err := s.proto.Handle(s.rbuf.Bytes())
		var se *ServerError
		switch {
		case errors.As(err, &se):
			return err
		case err != nil:
			s.emit(&voice.STTError{Err: err})
		}
		ended = ended || fin
		if ended && s.closeSent.Load() {
			// the last results are in: a service that does not close
			// by itself (Scribe) is not waited for
			return nil
		}
		s.final.Store(int64(s.proto.Finalized()))
		s.keep.Store(int64(s.proto.ReplayFrom()))
	}
}

// readEnd classifies the error that ended a connection.
func (s *stream) readEnd(err error, ended bool) error {
	if s.closeSent.Load() && (ended || websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseNoStatusReceived)) {
		return nil
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: %w", ErrUnexpectedClose, err)
	}
	return err
}
