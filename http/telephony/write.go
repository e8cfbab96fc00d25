package telephony

import (
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/events"
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

// enqueue hands an item to the writer without blocking.
func (s *Stream) enqueue(it outItem) error {
	if s.closed.Load() {
		return ErrStreamClosed
	}
	if !s.out.push(it) {
		return ErrQueueFull
	}
	return nil
}

// writeLoop encodes and sends queued items until the call ends (then it
// flushes, waits for a transfer in flight, and closes the socket) or the
// reader quits.
func (s *Stream) writeLoop() {
	defer s.writer.Done()
	var buf []byte
	var batch []outItem
	done := s.call.Done()
	for {
		select {
		case <-s.out.ready:
			var ok bool
			batch = s.out.take(batch)
			if buf, ok = s.writeAll(buf, batch); !ok {
				return
			}
		case <-done:
			s.finish(buf)
			return
		case <-s.quit:
			return
		}
	}
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

// finish runs once the call ended: what it queued last (a goodbye's
// final frames) is sent, a transfer the call asked for is given time to
// reach the carrier's API (closing the socket first would make some
// carriers hang up) and what it queued is sent too, a dialect that
// announces ends does, then the socket is closed.
func (s *Stream) finish(buf []byte) {
	var ok bool
	if buf, ok = s.flush(buf); !ok {
		return
	}
	if s.call.Reason() == events.EndTransferred {
		t := time.NewTimer(s.cfg.TransferWait)
		select {
		case <-s.transferred:
		case <-s.quit:
		case <-t.C:
			s.log.Warn("transfer did not complete in time: closing the stream")
		}
		t.Stop()
		if buf, ok = s.flush(buf); !ok {
			return
		}
	}
	if e, ok := s.wire.Encoder.(Ender); ok && !s.closed.Load() {
		b, mt := e.End(buf[:0], s.call.Reason())
		_ = s.conn.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		_ = s.conn.WriteMessage(mt, b)
	}
	if !s.closed.Load() {
		_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
			time.Now().Add(time.Second))
	}
	s.closeConn()
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
