package sttsocket

import (
	"sync"

	"github.com/switchboard-voice/switchboard/internal/fifo"
)

// ctrlKind is a control message queued among the audio.
type ctrlKind uint8

const (
	ctrlFinalize ctrlKind = iota + 1
	ctrlClose
)

// control is a control message to send once the audio before offset at has
// been sent.
type control struct {
	kind ctrlKind
	at   int64  // stream byte offset
	seq  uint64 // order of queueing, from 1
}

// outbox holds the audio the engine sent that the service has not
// finalized yet (sent or not), and the controls placed in it. SendAudio,
// Finalize and Close append under a short lock and never touch the network;
// the stream's pooled writer sends from it, replays it after a reconnection and
// trims it as finals arrive.
//
// Bytes are addressed by stream offset: head is the offset of the first
// byte buf holds. A finalised utterance leaves memory as it is trimmed
// (fifo.Bytes), though the writer may still be sending a slice of it.
type outbox struct {
	mu      sync.Mutex
	buf     fifo.Bytes
	head    int64
	frame   int64 // bytes in one 20 ms frame: trims and drops keep to frames
	limit   int
	ctrls   []control
	seq     uint64
	closing bool
	err     error // set when the stream is over: returned to callers
	final   int64 // offset the service has finalized up to
	dropped int64 // unfinalized bytes discarded on overflow, not yet reported
}

func (o *outbox) end() int64 { return o.head + int64(o.buf.Len()) }

// add queues audio. Past the limit the oldest whole frames go: the service
// is so far behind that the newest audio matters more.
func (o *outbox) add(frame []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	if o.closing {
		return ErrClosed
	}
	o.buf.Append(frame)
	if over := int64(o.buf.Len() - o.limit); over > 0 {
		over = (over + o.frame - 1) / o.frame * o.frame
		over = min(over, int64(o.buf.Len()))
		// audio already finalized is kept only to give the service context
		// on a replay: losing it loses no words
		o.dropped += max(0, o.head+over-max(o.head, o.final))
		o.buf.Discard(int(over))
		o.head += over
	}
	return nil
}

// control queues a control message after the audio queued so far.
func (o *outbox) control(k ctrlKind) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	if o.closing {
		return ErrClosed
	}
	o.seq++
	o.ctrls = append(o.ctrls, control{kind: k, at: o.end(), seq: o.seq})
	o.closing = k == ctrlClose
	return nil
}

// next returns what to send after offset sent and control seq sentSeq:
// audio up to the next control (at most limit bytes, and no more than one
// of the buffer's chunks holds), else that control. gap reports that audio
// not yet sent was discarded, which breaks the connection's timeline.
func (o *outbox) next(sent int64, sentSeq uint64, limit int) (audio []byte, c control, gap bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if sent < o.head {
		return nil, control{}, true
	}
	stop := o.end()
	for _, k := range o.ctrls {
		if k.seq > sentSeq {
			c = k
			stop = min(stop, max(k.at, sent))
			break
		}
	}
	if n := min(stop-sent, int64(limit)); n > 0 {
		return o.buf.Peek(int(sent-o.head), int(n)), control{}, false
	}
	return nil, c, false
}

// trim forgets audio before offset keep (whole frames), and the Finalize
// controls sent (seq ≤ sentSeq) that the finalized offset final answers.
func (o *outbox) trim(keep, final int64, sentSeq uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.final = final
	if n := min(keep/o.frame*o.frame-o.head, int64(o.buf.Len())); n > 0 {
		o.buf.Discard(int(n))
		o.head += n
	}
	k := o.ctrls[:0]
	for _, c := range o.ctrls {
		if !(c.kind == ctrlFinalize && c.seq <= sentSeq && c.at <= final) {
			k = append(k, c)
		}
	}
	o.ctrls = k
}

// takeDropped returns and clears the count of discarded bytes.
func (o *outbox) takeDropped() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.dropped
	o.dropped = 0
	return n
}

// finish ends the stream for its callers with err.
func (o *outbox) finish(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = err
	}
	o.buf.Reset()
}
