package elevenlabs

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

// idleTimeout is the error the service sends before closing a socket that
// received no text for inactivity_timeout seconds.
const idleTimeout = "input_timeout_exceeded"

// maxRetries bounds the moves of an utterance to another socket.
const maxRetries = 2

type state uint8

const (
	speaking state = iota // taking text
	ending                // EOS sent, waiting for isFinal
	over                  // done, failed or cancelled: emits nothing more
)

// utterance is one generation on a socket of its own, taken at its first
// Send. Every event is emitted with mu held and only while not over, so
// nothing is emitted once Cancel has returned.
type utterance struct {
	s    *session
	emit func(voice.TTSEvent)
	conv *audioconv.Converter

	mu        sync.Mutex
	k         *socket
	state     state
	sent      bool // some text was sent
	heard     bool // some audio arrived
	firstSend time.Time
	first     time.Duration // time to first audio
	progress  time.Time     // last message from the service, or last request
	stall     *time.Timer
	bytes     int      // audio received, in the service's format
	queued    [][]byte // messages sent, kept to move to a new socket
	retries   int
	align     aligner
	msg       message
	out       audioconv.Holdback
}

// Send queues a chunk of text, flushed so that it is synthesised at once.
func (u *utterance) Send(text string) error {
	text = strings.TrimSpace(text)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state != speaking {
		return ErrEnded
	}
	if text == "" {
		return nil // an empty text message would end the generation
	}
	if u.k == nil {
		if err := u.s.take(u); err != nil {
			return err
		}
	}
	if err := u.sendLocked(chunkMessage(text)); err != nil {
		return err
	}
	u.align.sent(text)
	if !u.sent {
		u.sent = true
		u.firstSend = time.Now()
		u.armLocked()
	}
	return nil
}

func (u *utterance) sendLocked(m []byte) error {
	if err := u.k.Send(m); err != nil {
		return err
	}
	u.queued = append(u.queued, m)
	return nil
}

// End sends EOS; the service finishes the audio and sends isFinal. The
// session dials the next utterance's socket meanwhile.
func (u *utterance) End() error {
	u.mu.Lock()
	if u.state != speaking {
		u.mu.Unlock()
		return nil
	}
	if !u.sent {
		u.state = over
		u.s.release(u)
		u.emit(&voice.TTSDone{})
		u.mu.Unlock()
		return nil
	}
	if err := u.sendLocked(eos); err != nil {
		u.mu.Unlock()
		return err
	}
	u.state = ending
	u.armLocked()
	u.mu.Unlock()
	u.s.prewarm()
	return nil
}

// Cancel closes the socket: the service stops generating with it.
func (u *utterance) Cancel() {
	u.mu.Lock()
	if u.state == over {
		u.mu.Unlock()
		return
	}
	u.state = over
	u.stopLocked()
	k := u.k
	u.mu.Unlock()
	u.s.release(u)
	if k != nil {
		k.Close()
		u.s.prewarm()
	}
}

// onMessage handles one message from the socket's reader.
func (u *utterance) onMessage(data []byte) {
	u.mu.Lock()
	if u.state == over {
		u.mu.Unlock()
		return
	}
	u.progress = time.Now()
	m := &u.msg
	var err error
	switch err = m.parse(data); {
	case err != nil:
	case m.errorCode == idleTimeout && !u.heard:
		// taken just as the service closed it for idling: the socket
		// closes next and the utterance moves to a new one
		u.mu.Unlock()
		return
	case m.errorCode != "" || (m.errorText != "" && len(m.audio) == 0 && !m.final):
		err = fmt.Errorf("%w: %s: %s", ErrService, m.errorCode, m.errorText)
	default:
		u.audioLocked()
		if !m.final {
			u.mu.Unlock()
			return
		}
		u.completeLocked()
	}
	if err != nil {
		u.failLocked(err)
	}
	k := u.k
	u.mu.Unlock()
	k.Close()
	u.s.prewarm()
}

// audioLocked emits a chunk's audio and the words it completes.
func (u *utterance) audioLocked() {
	m := &u.msg
	if len(m.audio) > 0 && !u.heard {
		u.heard = true
		u.first = u.progress.Sub(u.firstSend)
	}
	words := u.align.chunk(&m.align, u.s.src.Duration(u.bytes), nil)
	u.bytes += len(m.audio)
	if e := u.out.Audio(u.conv, m.audio, words); e != nil {
		u.emit(e)
	}
}

// completeLocked ends the utterance after isFinal. A word still being
// assembled, and the audio held back, go out first.
func (u *utterance) completeLocked() {
	if e := u.out.End(u.conv, u.align.flush(nil)); e != nil {
		u.emit(e)
	}
	u.state = over
	u.stopLocked()
	u.s.release(u)
	u.emit(&voice.TTSDone{FirstAudio: u.first})
}

func (u *utterance) failLocked(err error) {
	u.state = over
	u.stopLocked()
	u.s.release(u)
	u.emit(&voice.TTSError{Err: err})
}

// connLost is the socket failing. Before any audio has arrived the
// utterance moves to a new socket with what it had queued (at most
// maxRetries times): the service closed an idle socket just as it was
// taken, or a pre-opened one never connected, and nothing has been heard
// twice. A refused handshake of its own socket is the service's answer,
// and fails it like any later loss.
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
			_ = u.k.Send(m) // fits: the old queue held them
		}
		return
	}
	u.failLocked(err)
	u.s.prewarm()
}

// armLocked starts watching for a stall: audio is owed from the first Send
// to the first audio, and from End to isFinal.
func (u *utterance) armLocked() {
	u.progress = time.Now()
	if u.stall == nil {
		u.stall = time.AfterFunc(u.s.stall, u.checkStall)
		return
	}
	u.stall.Reset(u.s.stall)
}

func (u *utterance) stopLocked() {
	if u.stall != nil {
		u.stall.Stop()
	}
}

func (u *utterance) checkStall() {
	u.mu.Lock()
	owed := u.state == ending || (u.state == speaking && u.sent && !u.heard)
	if !owed {
		u.mu.Unlock()
		return
	}
	if wait := u.s.stall - time.Since(u.progress); wait > 0 {
		u.stall.Reset(wait)
		u.mu.Unlock()
		return
	}
	u.failLocked(fmt.Errorf("%w: nothing for %v", ErrStalled, u.s.stall))
	k := u.k
	u.mu.Unlock()
	k.Close()
	u.s.prewarm()
}
