package telephony

import (
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/mono"
)

type outKind uint8

const (
	outAudio outKind = iota
	outMark
	outClear
	outDTMF
	outRaw // a message already in the dialect
)

// outItem is a message for the carrier, encoded by the writer.
type outItem struct {
	kind outKind
	gen  uint32
	data []byte // audio, or a raw message
	text string // mark name, DTMF digits
	mt   int    // a raw message's type
	// since, when set, is when the input that caused the message arrived:
	// the time to its write is the engine's overhead (Timings).
	since mono.Time
}

// writerPhase is where a stream's writer is in the socket's life.
type writerPhase uint8

const (
	writing writerPhase = iota // the call is live: queued items are written
	wrote                      // the end was written, or a write failed: the socket is closed
)

// enqueue hands an item to the writer without blocking.
func (s *Stream) enqueue(it outItem) error {
	if s.closed.Load() {
		return ErrStreamClosed
	}
	if !s.out.push(it) {
		return ErrQueueFull
	}
	s.notifyWriter()
	return nil
}

// notifyWriter schedules the stream's flush on a pooled writer, once
// Serve has started writing.
func (s *Stream) notifyWriter() {
	if s.serving.Load() {
		s.slot.Notify()
	}
}

// CallEnded tells the writer the call is done (the call's actor calls it
// after Done closed): it writes what is queued, then ends the socket.
func (s *Stream) CallEnded() { s.notifyWriter() }

// flushOut runs on a pooled writer, one at a time per stream: it writes
// what is queued and, once the call is done, ends the socket.
func (s *Stream) flushOut() {
	if s.phase == wrote {
		s.batch = s.out.take(s.batch) // nothing more goes out: let go of it
		return
	}
	var ok bool
	s.batch = s.out.take(s.batch)
	if s.buf, ok = s.writeAll(s.buf, s.batch); !ok {
		s.stopWriting()
		return
	}
	if ended(s.call) {
		s.end()
	}
}

// stopWriting marks the socket done with; awaitEnd waits for it.
func (s *Stream) stopWriting() {
	s.phase = wrote
	close(s.wroteAll)
}

// write sends one item; false when the socket failed (it is then closed).
func (s *Stream) write(buf []byte, it outItem) ([]byte, bool) {
	if it.gen != s.gen.Load() {
		switch it.kind {
		case outAudio:
			return buf, true // cleared before it was sent
		case outMark:
			// The carrier would report a mark pending at a clear as played;
			// this one never reached it, so report it here.
			s.call.Mark(it.text)
			return buf, true
		}
	}
	var mt int
	buf = buf[:0]
	switch it.kind {
	case outAudio:
		buf, mt = s.wire.Encoder.Audio(buf, it.data)
	case outMark:
		buf, mt = s.wire.Encoder.Mark(buf, it.text)
	case outClear:
		buf, mt = s.wire.Encoder.Clear(buf)
	case outDTMF:
		buf, mt = s.wire.Encoder.(DTMFEncoder).DTMF(buf, it.text)
	case outRaw:
		buf, mt = append(buf, it.data...), it.mt
	}
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
	if err := s.conn.WriteMessage(mt, buf); err != nil {
		if !s.closed.Load() {
			s.log.Info("writing to the carrier failed", "err", err)
		}
		s.closeConn()
		return buf, false
	}
	if !it.since.IsZero() && s.hub.timings != nil {
		s.timed(it)
	}
	return buf, true
}

// timed records a timed message's overhead.
func (s *Stream) timed(it outItem) {
	d := mono.Since(it.since)
	switch it.kind {
	case outAudio:
		s.hub.timings.AudioToFrame(d)
	case outClear:
		s.hub.timings.BargeInToClear(d)
	}
}

// end writes what is queued, announces the end in a dialect that does,
// and closes the socket.
func (s *Stream) end() {
	var ok bool
	if s.buf, ok = s.flush(s.buf); !ok {
		s.stopWriting()
		return
	}
	if e, ok := s.wire.Encoder.(Ender); ok && !s.closed.Load() {
		b, mt := e.End(s.buf[:0], s.call.Reason())
		_ = s.conn.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		_ = s.conn.WriteMessage(mt, b)
	}
	if !s.closed.Load() {
		_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
			time.Now().Add(time.Second))
	}
	s.closeConn()
	s.stopWriting()
}

// flush writes what is queued; false when the socket failed.
func (s *Stream) flush(buf []byte) ([]byte, bool) {
	return s.writeAll(buf, s.out.take(nil))
}

// writeAll writes items in order; false when the socket failed.
func (s *Stream) writeAll(buf []byte, items []outItem) ([]byte, bool) {
	for _, it := range items {
		var ok bool
		if buf, ok = s.write(buf, it); !ok {
			return buf, false
		}
	}
	return buf, true
}
