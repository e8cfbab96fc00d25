package telephony

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/internal/mono"
	"github.com/switchboard-voice/switchboard/voice"
)

// dtmfTimeout bounds a DTMF request to a carrier's API.
const dtmfTimeout = 10 * time.Second

// Format implements voice.Carrier.
func (s *Stream) Format() voice.Format { return s.wire.Format }

// SendAudio implements voice.Carrier: the frame is queued for the writer.
func (s *Stream) SendAudio(frame []byte) error {
	return s.enqueue(outItem{kind: outAudio, gen: s.gen.Load(), data: frame})
}

// SendMark implements voice.Carrier.
func (s *Stream) SendMark(name string) error {
	return s.enqueue(outItem{kind: outMark, gen: s.gen.Load(), text: name})
}

// Clear implements voice.Carrier: audio still in the queue is dropped
// too, and marks in it are reported played.
func (s *Stream) Clear() error {
	return s.enqueue(outItem{kind: outClear, gen: s.gen.Add(1)})
}

// SendAudioSince is SendAudio timed: once the frame is written, the time
// since the input that caused it (a reply's first audio received) is
// recorded.
func (s *Stream) SendAudioSince(frame []byte, since mono.Time) error {
	return s.enqueue(outItem{kind: outAudio, gen: s.gen.Load(), data: frame, since: since})
}

// ClearSince is Clear timed: once the clear is written, the time since
// the input that confirmed the barge-in is recorded.
func (s *Stream) ClearSince(since mono.Time) error {
	return s.enqueue(outItem{kind: outClear, gen: s.gen.Add(1), since: since})
}

// SendDTMF implements voice.Carrier, through the carrier's API, its
// stream, or as tones in the call's audio, whichever the carrier has.
func (s *Stream) SendDTMF(digits string) error {
	if ds, ok := s.wire.Control.(DTMFSender); ok {
		s.mu.Lock()
		if s.released {
			s.mu.Unlock()
			return ErrStreamClosed
		}
		s.bg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.bg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), dtmfTimeout)
			defer cancel()
			if err := ds.SendDTMF(ctx, digits); err != nil {
				s.log.Warn("sending DTMF failed", "err", err)
			}
		}()
		return nil
	}
	if _, ok := s.wire.Encoder.(DTMFEncoder); ok {
		return s.enqueue(outItem{kind: outDTMF, gen: s.gen.Load(), text: digits})
	}
	if s.tones == nil {
		s.tones = newToneCache(s.wire.Format)
	}
	gen := s.gen.Load()
	for _, f := range s.tones.frames(digits) {
		if err := s.enqueue(outItem{kind: outAudio, gen: gen, data: f}); err != nil {
			return err
		}
	}
	return nil
}

// Notify queues a message already in the carrier's dialect, after what
// was queued before it (a web client's control messages).
func (s *Stream) Notify(messageType int, msg []byte) error {
	return s.enqueue(outItem{kind: outRaw, gen: s.gen.Load(), data: msg, mt: messageType})
}

// Transfer implements voice.Carrier through the carrier's API. The socket
// stays open until it returns: the call ends on its outcome, and closing
// the socket first would make some carriers hang up.
func (s *Stream) Transfer(ctx context.Context, req voice.TransferRequest) error {
	return s.wire.Control.Transfer(ctx, req)
}

// HangUp implements voice.Carrier through the carrier's API.
func (s *Stream) HangUp(ctx context.Context) error { return s.wire.Control.HangUp(ctx) }
