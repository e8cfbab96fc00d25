package openaitts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/audioconv"
	"github.com/switchboard-voice/switchboard/voice"
)

type state uint8

const (
	speaking state = iota // taking text
	ending                // no more text: playing what is left
	over                  // done, failed or cancelled: emits nothing more
)

// readSize is the most audio read from a response at once: 20 ms at
// 24 kHz, the engine's frame, so that each piece is converted and handed on
// as soon as it arrives.
const readSize = 960

// chunk is one text chunk and its request.
type chunk struct {
	text    string
	resp    chan response // buffered; nil until the request starts
	cancel  context.CancelFunc
	stalled atomic.Bool
	played  bool // its response was taken by the player
}

type response struct {
	resp *http.Response
	err  error
}

// utterance is one reply: a request per chunk of text, played strictly in
// order by a player goroutine while the next request is already under way.
// Every event is emitted with mu held and only while not over, so nothing
// is emitted once Cancel has returned.
type utterance struct {
	s      *session
	emit   func(voice.TTSEvent)
	conv   *audioconv.Converter
	ctx    context.Context // cancelled by Cancel: aborts the requests
	cancel context.CancelFunc
	wake   chan struct{} // tells the player of a new chunk or End

	mu        sync.Mutex
	state     state
	chunks    []*chunk
	playing   int // index of the chunk being played
	sent      bool
	heard     bool
	firstSend time.Time
	first     time.Duration // time to first audio
}

// Send requests speech for a chunk of text; it plays after the chunks
// before it.
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
	u.chunks = append(u.chunks, &chunk{text: text})
	if !u.sent {
		u.sent = true
		u.firstSend = time.Now()
		u.s.wg.Add(1)
		go u.play()
	}
	u.pumpLocked()
	u.poke()
	return nil
}

// End says no more text follows.
func (u *utterance) End() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state != speaking {
		return nil
	}
	if !u.sent {
		u.overLocked()
		u.cancel()
		u.emit(&voice.TTSDone{})
		return nil
	}
	u.state = ending
	u.poke()
	return nil
}

// Cancel aborts the requests at once.
func (u *utterance) Cancel() {
	u.mu.Lock()
	if u.state == over {
		u.mu.Unlock()
		return
	}
	u.overLocked()
	u.mu.Unlock()
	u.cancel()
}

func (u *utterance) poke() {
	select {
	case u.wake <- struct{}{}:
	default:
	}
}

// pumpLocked starts the requests of the chunk playing and the next ones,
// up to the pipeline's depth.
func (u *utterance) pumpLocked() {
	for i := u.playing; i < min(len(u.chunks), u.playing+pipeline); i++ {
		if c := u.chunks[i]; c.resp == nil {
			u.start(c)
		}
	}
}

func (u *utterance) start(c *chunk) {
	var ctx context.Context
	ctx, c.cancel = context.WithCancel(u.ctx)
	c.resp = make(chan response, 1)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.s.url, bytes.NewReader(u.s.req.body(c.text)))
	if err != nil {
		c.resp <- response{err: err}
		return
	}
	req.Header.Set("Authorization", "Bearer "+u.s.key)
	req.Header.Set("Content-Type", "application/json")
	u.s.wg.Add(1)
	go func() {
		defer u.s.wg.Done()
		resp, err := u.s.client.Do(req)
		c.resp <- response{resp, err}
	}()
}

// play plays the chunks in order until the utterance ends.
func (u *utterance) play() {
	defer u.s.wg.Done()
	defer u.drain()
	buf := make([]byte, readSize)
	for i := 0; ; i++ {
		c, ok := u.await(i)
		switch {
		case !ok:
			return // cancelled
		case c == nil:
			u.complete()
			return
		}
		if err := u.playChunk(c, buf); err != nil {
			u.fail(err)
			return
		}
	}
}

// await returns chunk i once it exists; nil when the utterance has ended
// with i chunks; false when it was cancelled.
func (u *utterance) await(i int) (*chunk, bool) {
	for {
		u.mu.Lock()
		switch {
		case u.state == over:
			u.mu.Unlock()
			return nil, false
		case i < len(u.chunks):
			u.playing = i
			u.pumpLocked()
			c := u.chunks[i]
			u.mu.Unlock()
			return c, true
		case u.state == ending:
			u.mu.Unlock()
			return nil, true
		}
		u.mu.Unlock()
		select {
		case <-u.wake:
		case <-u.ctx.Done():
			return nil, false
		}
	}
}

// playChunk streams one response, watching for a stall.
func (u *utterance) playChunk(c *chunk, buf []byte) error {
	stall := time.AfterFunc(u.s.stall, func() {
		c.stalled.Store(true)
		c.cancel()
	})
	defer stall.Stop()
	c.played = true
	r := <-c.resp
	if r.err != nil {
		return u.lost(c, r.err)
	}
	defer r.resp.Body.Close()
	if r.resp.StatusCode != http.StatusOK {
		return statusError(r.resp)
	}
	for {
		n, err := r.resp.Body.Read(buf)
		if n > 0 {
			stall.Reset(u.s.stall)
			u.audio(buf[:n])
		}
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return u.lost(c, err)
		}
	}
}

// lost describes a failed request.
func (u *utterance) lost(c *chunk, err error) error {
	if c.stalled.Load() {
		return fmt.Errorf("%w: nothing for %v", ErrStalled, u.s.stall)
	}
	return fmt.Errorf("%w: %w", ErrConnection, err)
}

// drain aborts requests started but not played and closes their bodies.
func (u *utterance) drain() {
	u.cancel()
	u.mu.Lock()
	chunks := u.chunks
	u.mu.Unlock()
	for _, c := range chunks {
		if c.resp != nil && !c.played {
			if r := <-c.resp; r.resp != nil {
				r.resp.Body.Close()
			}
		}
	}
}

// audio emits a piece of a response.
func (u *utterance) audio(b []byte) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over {
		return
	}
	if !u.heard {
		u.heard = true
		u.first = time.Since(u.firstSend)
	}
	if out := u.conv.Convert(nil, b); len(out) > 0 {
		u.emit(&voice.TTSAudio{Audio: out})
	}
}

// complete ends the utterance after its last chunk, with what the
// converter still holds.
func (u *utterance) complete() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over {
		return
	}
	if out := u.conv.Flush(nil); len(out) > 0 {
		u.emit(&voice.TTSAudio{Audio: out})
	}
	u.overLocked()
	u.emit(&voice.TTSDone{FirstAudio: u.first})
}

func (u *utterance) fail(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == over {
		return
	}
	u.overLocked()
	u.emit(&voice.TTSError{Err: err})
}

func (u *utterance) overLocked() {
	u.state = over
	u.s.release(u)
}
