package telephony

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/writers"
	"github.com/switchboard-voice/switchboard/voice"
)

// StreamConfig bounds a media stream; zero fields take the defaults in
// brackets.
type StreamConfig struct {
	Carrier string
	Log     *slog.Logger
	// ReadLimit is the largest frame accepted; a larger one ends the call
	// as malformed [16 KiB]. Compression is never negotiated on carrier
	// sockets, so the limit bounds what is held in memory.
	ReadLimit int
	// IdleTimeout ends a call whose carrier sent nothing for this long
	// [30 s]; StartTimeout bounds the wait for the stream's start [10 s].
	IdleTimeout, StartTimeout time.Duration
	// QueueSize is how many outbound messages may wait for the writer
	// [512: 10 s of audio; the engine keeps about 60 ms queued, and the
	// queue is allocated to what waits].
	QueueSize int
	// WriteTimeout bounds one write to the carrier [5 s].
	WriteTimeout time.Duration
	// EndWait bounds how long a call ended for a malformed frame or a
	// shutdown has to hang up before its socket is closed [15 s].
	EndWait time.Duration
	// Writers is the pool that writes the socket [writers.Shared("carrier")].
	Writers *writers.Pool
}

func (c StreamConfig) withDefaults() StreamConfig {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&c.IdleTimeout, 30*time.Second)
	set(&c.StartTimeout, 10*time.Second)
	set(&c.WriteTimeout, 5*time.Second)
	set(&c.EndWait, 15*time.Second)
	if c.ReadLimit <= 0 {
		c.ReadLimit = 16 << 10
	}
	if c.QueueSize <= 0 {
		c.QueueSize = 512
	}
	return c
}

// Encoder writes the engine's messages in a carrier's dialect, appending
// to dst and returning the websocket message type. It runs on the
// stream's pooled writer, one message at a time.
type Encoder interface {
	Audio(dst, frame []byte) ([]byte, int)
	Mark(dst []byte, name string) ([]byte, int)
	Clear(dst []byte) ([]byte, int)
}

// DTMFEncoder is an Encoder whose dialect can play DTMF digits (Plivo's
// sendDTMF, the web client's).
type DTMFEncoder interface {
	DTMF(dst []byte, digits string) ([]byte, int)
}

// Ender is an Encoder whose dialect announces the end of a call to the
// other side (the web client's hangup message), with the call's reason.
type Ender interface {
	End(dst []byte, reason string) ([]byte, int)
}

// Control is a call's control through its carrier's API.
type Control interface {
	// Transfer hands the caller over to req.To; the media stream ends.
	Transfer(ctx context.Context, req voice.TransferRequest) error
	// HangUp ends the call.
	HangUp(ctx context.Context) error
}

// DTMFSender is a Control whose API plays DTMF digits (Telnyx, Vonage).
// Carriers with neither this nor a DTMFEncoder get the tones as audio.
type DTMFSender interface {
	SendDTMF(ctx context.Context, digits string) error
}

// Decoder reads a carrier's frames into a stream's inbound events.
type Decoder interface {
	// Decode reads one websocket message; an error means it is malformed.
	// msg is reused after Decode returns.
	Decode(messageType int, msg []byte, in Receiver) error
}

// Receiver receives what a decoder found in a frame.
type Receiver interface {
	Audio(frame []byte) // caller audio in the stream's format; the call owns frame
	Mark(name string)   // the carrier played the audio up to a mark
	DTMF(digits string) // the caller pressed keys
	Stop()              // the carrier ended the stream
}

// Wire is the carrier side of a stream, known once the stream started.
type Wire struct {
	Format  voice.Format
	Encoder Encoder
	Control Control
}

// Stream is one carrier media websocket and the call it carries; it is
// the call's voice.Carrier. Its socket has one reader (Serve, in the
// websocket handler's goroutine); the call's actor fills a bounded queue
// without ever blocking, and the queue is written by a pooled writer
// (internal/writers) scheduled when it has something, so a call holds no
// goroutine of its own for writing.
type Stream struct {
	conn *websocket.Conn
	hub  *Hub
	cfg  StreamConfig
	log  *slog.Logger

	wire Wire
	call *call.Call

	out     *outbox
	gen     atomic.Uint32 // bumped by Clear: queued audio of older generations is dropped
	slot    *writers.Slot
	serving atomic.Bool    // Serve started: the writer is scheduled as items come
	bg      sync.WaitGroup // requests to the carrier's API (DTMF, hanging up a lost call)

	// the writer's own (flushOut, one pooled writer at a time)
	phase    writerPhase
	buf      []byte
	batch    []outItem
	wroteAll chan struct{} // closed when the writer is done with the socket

	mu       sync.Mutex
	released bool // no more API requests start

	closed       atomic.Bool // the socket is closed (or closing)
	shuttingDown atomic.Bool // the hub is closing it
	stopped      bool        // the carrier sent its stop frame (reader only)

	rbuf       []byte // read buffer, reused for every frame
	deadlineAt time.Time
	tones      *toneCache
}

// Accept registers a new stream on conn, the socket of a websocket
// handler; it returns nil (after closing conn) once the hub is closed.
// Release must be deferred by the handler.
func (h *Hub) Accept(conn *websocket.Conn, cfg StreamConfig) *Stream {
	cfg = cfg.withDefaults()
	s := &Stream{conn: conn, hub: h, cfg: cfg, log: cfg.Log.With("carrier", cfg.Carrier),
		out: newOutbox(cfg.QueueSize), wroteAll: make(chan struct{})}
	pool := cfg.Writers
	if pool == nil {
		pool = writers.Shared("carrier")
	}
	s.slot = writers.NewSlot(pool, s.flushOut)
	conn.SetReadLimit(int64(cfg.ReadLimit))
	if !h.add(s) {
		_ = conn.Close()
		return nil
	}
	return s
}

// Release ends the stream's bookkeeping; the handler defers it. The
// socket must not be used after.
func (s *Stream) Release() {
	s.stopWriter()
	s.closeConn()
	s.mu.Lock()
	s.released = true
	s.mu.Unlock()
	s.bg.Wait()
	s.hub.remove(s)
}

// Log is the stream's logger.
func (s *Stream) Log() *slog.Logger { return s.log }

// Read returns the next message (reused at the next Read), waiting at
// most timeout (StartTimeout when zero). Gateways read the frames before
// the stream's start with it.
func (s *Stream) Read(timeout time.Duration) (int, []byte, error) {
	if timeout <= 0 {
		timeout = s.cfg.StartTimeout
	}
	now := time.Now()
	if d := now.Add(timeout).Sub(s.deadlineAt); d > time.Second || d < -time.Second {
		s.deadlineAt = now.Add(timeout)
		_ = s.conn.SetReadDeadline(s.deadlineAt)
	}
	if s.closed.Load() { // after setting the deadline: closeConn's own wins
		return 0, nil, ErrStreamClosed
	}
	mt, r, err := s.conn.NextReader()
	if err != nil {
		return 0, nil, err
	}
	s.rbuf = s.rbuf[:0]
	for {
		if len(s.rbuf) == cap(s.rbuf) {
			s.rbuf = append(s.rbuf, 0)[:len(s.rbuf)]
		}
		n, err := r.Read(s.rbuf[len(s.rbuf):cap(s.rbuf)])
		s.rbuf = s.rbuf[:len(s.rbuf)+n]
		if len(s.rbuf) > s.cfg.ReadLimit { // a second guard behind the socket's own limit
			return 0, nil, websocket.ErrReadLimit
		}
		if err == io.EOF {
			return mt, s.rbuf, nil
		}
		if err != nil {
			return 0, nil, err
		}
	}
}

// Begin starts the call the stream carries: w is the carrier side, spec
// the call (its Line is set to the stream).
func (s *Stream) Begin(ctx context.Context, m *call.Manager, spec call.Spec, w Wire) (*call.Call, error) {
	if s.closed.Load() {
		return nil, ErrStreamClosed
	}
	s.wire = w
	s.log = s.log.With("call_sid", spec.ID)
	spec.Line = s
	c, err := m.Start(ctx, spec)
	if err != nil {
		return nil, err
	}
	s.call = c
	return c, nil
}

// Serve runs the call's media until the call or the socket ends: audio,
// marks, DTMF and stops decoded by dec go to the call; the engine's
// messages go out through the writer. It returns once both are done.
func (s *Stream) Serve(dec Decoder) {
	c := s.call
	s.serving.Store(true)
	s.slot.Notify() // what the call queued before, or its end
	err := s.readLoop(dec)
	switch {
	case s.shuttingDown.Load():
		s.log.Info("closing the call's stream: shutting down")
		c.End(events.EndShutdown, "")
		s.awaitEnd()
	// A bad frame is named before a closed stream is: the socket's library
	// answers a frame over the limit with a close frame, and a write racing
	// it fails ("close sent") and closes the stream, which would otherwise
	// read as the carrier hanging up.
	case errors.Is(err, websocket.ErrReadLimit):
		s.log.Warn("carrier frame too large: ending the call", "limit_bytes", s.cfg.ReadLimit)
		c.End(events.EndMalformed, "")
		s.awaitEnd()
	case errors.Is(err, ErrMalformed):
		s.log.Warn("malformed carrier frame: ending the call", "err", err)
		c.End(events.EndMalformed, "")
		s.awaitEnd()
	case s.stopped || s.closed.Load():
		// the carrier ended the stream, or the call ended and closed it
		if !ended(c) {
			c.Stopped()
		}
	case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived):
		if !ended(c) {
			c.Stopped() // the carrier closed the stream: the caller is gone
		}
	default:
		// The socket died (a timeout, a reset): the caller may still be on
		// the line, so the call is also hung up through the carrier's API.
		if !ended(c) {
			s.log.Warn("carrier stream lost: hanging up", "err", err)
			c.Stopped()
			s.hangUpLost()
		}
	}
	s.stopWriter()
}

// hangUpLost hangs up, through the carrier's API, a call whose stream died.
func (s *Stream) hangUpLost() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.EndWait)
		defer cancel()
		if err := s.wire.Control.HangUp(ctx); err != nil {
			s.log.Warn("hanging up a lost call failed", "err", err)
		}
	}()
}

func ended(c *call.Call) bool {
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

// awaitEnd gives an ending call time to hang up and close the socket.
func (s *Stream) awaitEnd() {
	t := time.NewTimer(s.cfg.EndWait)
	defer t.Stop()
	select {
	case <-s.call.Done():
		<-s.wroteAll // the writer closes the socket once the call is done
	case <-t.C:
	}
}

// stopWriter ends the writer's flushes, waiting for one under way (a
// write deadline bounds it).
func (s *Stream) stopWriter() {
	s.slot.Stop()
}

// readLoop reads frames until the socket or the stream ends, or a frame
// is malformed.
func (s *Stream) readLoop(dec Decoder) error {
	in := inbound{s}
	for {
		mt, msg, err := s.Read(s.cfg.IdleTimeout)
		if err != nil {
			return err
		}
		if mt != websocket.TextMessage && mt != websocket.BinaryMessage {
			continue
		}
		if err := dec.Decode(mt, msg, in); err != nil {
			if !errors.Is(err, ErrMalformed) {
				err = errors.Join(ErrMalformed, err)
			}
			return err
		}
		if s.stopped {
			return nil
		}
	}
}

// inbound forwards decoded events to the call.
type inbound struct{ s *Stream }

func (in inbound) Audio(frame []byte) {
	if !ended(in.s.call) {
		in.s.call.Audio(frame)
	}
}
func (in inbound) Mark(name string) {
	if !ended(in.s.call) {
		in.s.call.Mark(name)
	}
}

func (in inbound) DTMF(digits string) {
	if !ended(in.s.call) {
		in.s.call.DTMF(digits)
	}
}

func (in inbound) Stop() { in.s.stopped = true }

// shutdown closes the socket for a node shutdown.
func (s *Stream) shutdown() {
	s.shuttingDown.Store(true)
	s.closeConn()
}

// closeConn closes the socket at once. fasthttp closes a hijacked
// connection only when its handler returns (Close is a no-op on it), so a
// deadline in the past is what wakes the reader and fails the writer now.
func (s *Stream) closeConn() {
	if s.closed.CompareAndSwap(false, true) {
		_ = s.conn.NetConn().SetDeadline(time.Unix(1, 0))
		_ = s.conn.Close()
	}
}
