package voicetest

import (
	"context"
	"sync"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/mono"
	"github.com/switchboard-voice/switchboard/voice"
)

// Carrier records what the engine sends to the caller. Audio "plays"
// instantly: marks are reported through OnMark as soon as they are sent.
type Carrier struct {
	// OnMark receives marks to echo back to the call (as a gateway would).
	OnMark func(name string)
	// OnAudio, if set, sees every frame sent; OnClear every clear.
	OnAudio func(frame []byte)
	OnClear func()
	// OnTransfer, if set, runs as the carrier's transfer: its error is
	// the carrier not taking it.
	OnTransfer func(voice.TransferRequest) error

	mu          sync.Mutex
	frames      int
	words       []string
	clears      int
	timed       Timed
	hungUp      bool
	transferred voice.TransferRequest
	dtmf        []string
	wake        chan struct{}
}

// Format implements voice.Carrier.
func (c *Carrier) Format() voice.Format { return voice.Telephony }

// SendAudio implements voice.Carrier.
func (c *Carrier) SendAudio(frame []byte) error {
	if c.OnAudio != nil {
		c.OnAudio(frame)
	}
	c.mu.Lock()
	c.frames++
	if d := fakespeech.Decode(frame); d.Kind == fakespeech.KindWord {
		c.words = append(c.words, d.Word)
	}
	c.notify()
	c.mu.Unlock()
	return nil
}

// SendMark implements voice.Carrier.
func (c *Carrier) SendMark(name string) error {
	if c.OnMark != nil {
		c.OnMark(name)
	}
	return nil
}

// Clear implements voice.Carrier.
func (c *Carrier) Clear() error {
	if c.OnClear != nil {
		c.OnClear()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clears++
	c.notify()
	return nil
}

// Timed counts the messages the engine timed (its overhead is measured
// from the input that caused them to their write), as a gateway's stream
// would time them.
type Timed struct {
	Frames, Clears int
}

// SendAudioSince is SendAudio, timed from since.
func (c *Carrier) SendAudioSince(frame []byte, since mono.Time) error {
	c.countTimed(since, &c.timed.Frames)
	return c.SendAudio(frame)
}

// ClearSince is Clear, timed from since.
func (c *Carrier) ClearSince(since mono.Time) error {
	c.countTimed(since, &c.timed.Clears)
	return c.Clear()
}

func (c *Carrier) countTimed(since mono.Time, n *int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !since.IsZero() && since <= mono.Now() {
		*n++
	}
}

// Timings returns what was timed so far.
func (c *Carrier) Timings() Timed { c.mu.Lock(); defer c.mu.Unlock(); return c.timed }

// SendDTMF implements voice.Carrier.
func (c *Carrier) SendDTMF(d string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dtmf = append(c.dtmf, d)
	return nil
}

// Transfer implements voice.Carrier.
func (c *Carrier) Transfer(_ context.Context, req voice.TransferRequest) error {
	c.mu.Lock()
	c.transferred = req
	c.notify()
	c.mu.Unlock()
	if c.OnTransfer != nil {
		return c.OnTransfer(req)
	}
	return nil
}

// HangUp implements voice.Carrier.
func (c *Carrier) HangUp(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hungUp = true
	c.notify()
	return nil
}

// Wake returns a channel signalled (without blocking) whenever something is
// sent, for tests and benchmarks waiting on the carrier.
func (c *Carrier) Wake() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wake == nil {
		c.wake = make(chan struct{}, 1)
	}
	return c.wake
}

func (c *Carrier) notify() {
	if c.wake != nil {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// Heard returns the words the caller heard so far.
func (c *Carrier) Heard() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.words...)
}

// Frames counts the frames sent.
func (c *Carrier) Frames() int { c.mu.Lock(); defer c.mu.Unlock(); return c.frames }

// Clears counts Clear calls.
func (c *Carrier) Clears() int { c.mu.Lock(); defer c.mu.Unlock(); return c.clears }

// HungUp reports whether the engine hung up.
func (c *Carrier) HungUp() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.hungUp }

// Transferred is the transfer asked for, if any.
func (c *Carrier) Transferred() voice.TransferRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transferred
}
