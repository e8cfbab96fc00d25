package cartesia

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
	ending                // the last request sent, waiting for done
	over                  // done, failed or cancelled: emits nothing more
)

// utterance is one context on the session's socket. Every event is
// emitted with mu held and only while not over, so nothing is emitted once
// Cancel has returned.
type utterance struct {
	s    *session
	emit func(voice.TTSEvent)
	conv *audioconv.Converter
	id   string // context_id

	mu        sync.Mutex
	k         *socket
	state     state
	sent      bool
	heard     bool
	firstSend time.Time
	first     time.Duration // time to first audio
	progress  time.Time     // last message from the service, or last request
	stall     *time.Timer
	queued    [][]byte // messages sent, kept to move to a new socket
	retries   int
	out       audioconv.Holdback
}

// Send continues the context with a chunk of text.
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
	// the service joins a context's transcripts as sent: keep words apart
	if err := u.sendLocked(u.s.req.message(u.id, text+" ", true)); err != nil {
		return err
	}
	if !u.sent {
		u.sent = true
		u.firstSend = time.Now()
		u.armLocked()
	}
	return nil
}

func (u *utterance) sendLocked(m []byte) error {
	if u.k == nil {
		if err := u.s.take(u); err != nil {
			return err
		}
	}
	if err := u.k.Send(m); err != nil {
		return err
	}
	u.queued = append(u.queued, m)
	return nil
}

// End closes the context's input: an empty transcript with continue false.
// The service finishes the audio and says done.
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
	if err := u.sendLocked(u.s.req.message(u.id, "", false)); err != nil {
		return err
	}
	u.state = ending
	u.armLocked()
	return nil
}

// Cancel cancels the context on the service; its late messages are
// dropped by the socket's reader, and the socket stays.
func (u *utterance) Cancel() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over {
		return
	}
	u.overLocked()
	if u.sent {
		_ = u.k.Send(cancelMessage(u.id)) // if the queue is full the context just runs out
	}
}

// onMessage handles one message of the context.
func (u *utterance) onMessage(m *message) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over {
		return
	}
	u.progress = time.Now()
	switch m.kind {
	case kindChunk:
		if len(m.audio) > 0 && !u.heard {
			u.heard = true
			u.first = u.progress.Sub(u.firstSend)
		}
		if e := u.out.Audio(u.conv, m.audio, nil); e != nil {
			u.emit(e)
		}
	case kindTimestamps:
		// they follow the audio they time: they go out with the next
		u.out.AddWords(wordsOf(m))
	case kindError:
		u.failLocked(m.err())
		return
	}
	if m.done || m.kind == kindDone {
		if e := u.out.End(u.conv, nil); e != nil {
			u.emit(e)
		}
		u.overLocked()
		u.emit(&voice.TTSDone{FirstAudio: u.first})
	}
}

// wordsOf reads a timestamps message: times in seconds from the start of
// the context's audio.
func wordsOf(m *message) []voice.Word {
	n := min(len(m.words), len(m.starts), len(m.ends))
	if n == 0 {
		return nil
	}
	words := make([]voice.Word, n)
	for i := range n {
		words[i] = voice.Word{Text: string(m.words[i]), Start: seconds(m.starts[i]), End: seconds(m.ends[i])}
	}
	return words
}

func seconds(v float64) time.Duration {
	return time.Duration(v * float64(time.Second)).Round(time.Microsecond)
}

func (u *utterance) fail(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.failLocked(err)
}

func (u *utterance) failLocked(err error) {
	if u.state == over {
		return
	}
	u.overLocked()
	u.emit(&voice.TTSError{Err: err})
}

// overLocked ends the utterance: nothing is emitted after it but the event
// its caller emits next.
func (u *utterance) overLocked() {
	u.state = over
	if u.stall != nil {
		u.stall.Stop()
	}
	if u.k != nil {
		u.k.Detach(u)
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
			_ = u.k.Send(m) // fits: the old queue held them
		}
		return
	}
	u.failLocked(err)
}

// armLocked starts watching for a stall: audio is owed from the first Send
// to the first audio, and from End to done.
func (u *utterance) armLocked() {
	u.progress = time.Now()
	if u.stall == nil {
		u.stall = time.AfterFunc(u.s.stall, u.checkStall)
		return
	}
	u.stall.Reset(u.s.stall)
}

func (u *utterance) checkStall() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == ending || (u.state == speaking && !u.heard) {
		if wait := u.s.stall - time.Since(u.progress); wait > 0 {
			u.stall.Reset(wait)
			return
		}
		u.k.Close() // first, so that the next utterance dials anew
		u.failLocked(fmt.Errorf("%w: nothing for %v", ErrStalled, u.s.stall))
	}
}
