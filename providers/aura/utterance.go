package aura

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxRetries bounds the moves of an utterance to another socket.
const maxRetries = 2

type state uint8

const (
	speaking state = iota // taking text
	ending                // Flush sent, waiting for Flushed
	over                  // done, failed or cancelled: emits nothing more
)

// utterance is one reply on the session's socket. Every event is emitted
// with mu held and only while not over, so nothing is emitted once Cancel
// has returned.
type utterance struct {
	s    *session
	emit func(voice.TTSEvent)
	conv *audioconv.Converter

	mu        sync.Mutex
	k         *socket
	state     state
	seq       int // sequence number of its Flush
	sent      bool
	heard     bool
	firstSend time.Time
	first     time.Duration // time to first audio
	progress  time.Time     // last message from the service, or End
	stall     *time.Timer
	queued    [][]byte // messages sent, kept to move to a new socket
	retries   int
}

// Send queues a Speak message. The service synthesises complete sentences
// as they arrive, and the rest at the Flush that End sends.
func (u *utterance) Send(text string) error {
	text = strings.TrimSpace(text)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state != speaking {
		return ErrEnded
	}
	if text == "" {
		return nil
	}
	if u.k == nil {
		if err := u.s.take(u); err != nil {
			return err
		}
	}
	// chunks are joined by the service as sent: keep words apart
	m := speakMessage(text + " ")
	if err := u.k.Send(m); err != nil {
		return err
	}
	u.queued = append(u.queued, m)
	if !u.sent {
		u.sent = true
		u.firstSend = time.Now()
	}
	return nil
}

// End flushes: the service synthesises what remains, then says Flushed. An
// utterance with no text is done at once, and spends no Flush (the service
// allows 20 a minute).
func (u *utterance) End() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state != speaking {
		return nil
	}
	if !u.sent {
		u.overLocked()
		u.emit(&voice.TTSDone{})
		return nil
	}
	seq, err := u.k.flush()
	if err != nil {
		return err
	}
	u.queued = append(u.queued, flushMessage)
	u.seq = seq
	u.state = ending
	u.progress = time.Now()
	u.stall = time.AfterFunc(u.s.stall, u.checkStall)
	return nil
}

// Cancel clears the service's buffer and drops its audio until it confirms;
// the socket stays for the next utterance.
func (u *utterance) Cancel() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over {
		return
	}
	if u.sent {
		u.k.clear(u) // before the next utterance can queue its text
	}
	u.overLocked()
}

// onAudio emits a binary frame of audio.
func (u *utterance) onAudio(b []byte) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over {
		return
	}
	u.progress = time.Now()
	if !u.heard {
		u.heard = true
		u.first = u.progress.Sub(u.firstSend)
	}
	if audio := u.conv.Convert(nil, b); len(audio) > 0 {
		u.emit(&voice.TTSAudio{Audio: audio})
	}
}

// onFlushed ends the utterance when its own Flush is confirmed.
func (u *utterance) onFlushed(seq *int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state != ending || (seq != nil && *seq < u.seq) {
		return // not ended, or an earlier utterance's
	}
	if audio := u.conv.Flush(nil); len(audio) > 0 {
		u.emit(&voice.TTSAudio{Audio: audio})
	}
	u.k.Detach(u)
	u.overLocked()
	u.emit(&voice.TTSDone{FirstAudio: u.first})
}

// onWarning fails an utterance waiting for Flushed: a refused Flush (over
// the limit) would leave it waiting for ever. Other warnings are advice.
func (u *utterance) onWarning(c control) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == ending {
		u.failLocked(fmt.Errorf("%w: warning %s", ErrService, c.text()), false)
	}
}

// fail ends the utterance with err. A socket that broke the protocol is
// closed (the next Speak dials anew); after a service error it is cleared
// and kept.
func (u *utterance) fail(err error, broken bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.failLocked(err, broken)
}

func (u *utterance) failLocked(err error, broken bool) {
	if u.state == over {
		return
	}
	// the socket first, before the next utterance can take it
	if broken {
		u.k.Close()
	} else {
		u.k.clear(u)
	}
	u.overLocked()
	u.emit(&voice.TTSError{Err: err})
}

// overLocked ends the utterance: nothing is emitted after it but the event
// its caller emits next. It frees the session for the next utterance, so
// the socket must be left as that one should find it first.
func (u *utterance) overLocked() {
	u.state = over
	if u.stall != nil {
		u.stall.Stop()
	}
	u.s.release(u)
}

// connLost is the socket failing. Before any audio has arrived the
// utterance moves to a new socket with what it had queued (at most
// maxRetries times): the service closed an idle socket just as it was
// taken, and nothing has been heard twice. A refused handshake of its own
// socket is the service's answer, and fails it like any later loss.
func (u *utterance) connLost(err error, k *socket, connected bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over || k != u.k {
		return
	}
	refused := k.Owner() == u && !connected
	if !refused && !u.heard && u.retries < maxRetries && u.s.take(u) == nil {
		u.retries++
		for _, m := range u.queued {
			if string(m) == string(flushMessage) {
				u.seq, _ = u.k.flush()
				continue
			}
			_ = u.k.Send(m) // fits: the old queue held them
		}
		return
	}
	u.overLocked()
	u.emit(&voice.TTSError{Err: err})
}

func (u *utterance) checkStall() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state != ending {
		return
	}
	if wait := u.s.stall - time.Since(u.progress); wait > 0 {
		u.stall.Reset(wait)
		return
	}
	u.failLocked(fmt.Errorf("%w: nothing for %v", ErrStalled, u.s.stall), true)
}
