package phone

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
)

// tailSilence follows every utterance, so the recogniser hears an endpoint.
const tailSilence = 400 * time.Millisecond

// bargeWindow: caller speech starting within this long of assistant audio
// arriving counts as interrupting it.
const bargeWindow = 200 * time.Millisecond

// utteranceGap is the silence that ends an utterance: longer than the
// pauses between words.
const utteranceGap = 160 * time.Millisecond

// Phone is one caller. Its methods are safe for concurrent use: a carrier
// session typically drives Next and Play from a ticker and feeds Receive,
// Mark and Clear from its socket reader.
type Phone struct {
	now func() time.Time

	mu      sync.Mutex
	say     [][]byte   // frames to speak, in order
	queue   []playItem // received, not played yet
	heard   []string   // words heard, in order
	tones   []rune     // DTMF keys heard
	tone    rune       // the key of the last frame played, 0 if none
	cleared int        // clears received
	frames  int        // assistant frames received
	changed chan struct{}

	// timing
	speaking     bool      // an utterance is in progress
	speechAt     time.Time // when the utterance in progress began
	lastSpeechAt time.Time // when the last speech frame was sent
	awaiting     bool      // the caller finished speaking to a quiet line: the next reply is timed
	audioAt      time.Time // when assistant audio last arrived
	bargeAt      time.Time // when the caller started talking over the assistant, zero if not
	replies      []time.Duration
	barges       []time.Duration

	onReceive func(at time.Time, frame []byte) // load measurement, see OnReceive
}

type playItem struct {
	frame []byte
	mark  string
}

// New returns a silent phone; now is its clock (nil: time.Now).
func New(now func() time.Time) *Phone {
	if now == nil {
		now = time.Now
	}
	return &Phone{now: now, changed: make(chan struct{}, 1)}
}

func (p *Phone) notify() {
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// Say queues words to speak, followed by a short silence.
func (p *Phone) Say(text string) {
	frames := fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(text)})
	frames = append(frames, fakespeech.Silence(tailSilence)...)
	p.mu.Lock()
	p.say = append(p.say, frames...)
	p.mu.Unlock()
}

// Sound queues frames of audio to send as they are, a beep say.
func (p *Phone) Sound(frames [][]byte) {
	p.mu.Lock()
	p.say = append(p.say, frames...)
	p.mu.Unlock()
}

// Speaking reports whether words are still queued to be said.
func (p *Phone) Speaking() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.say) > 0
}

// Next returns the next 20 ms frame the caller sends: what it is saying,
// or silence.
func (p *Phone) Next() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	var f []byte
	if len(p.say) > 0 {
		f, p.say = p.say[0], p.say[1:]
	} else {
		f = fakespeech.Silence(fakespeech.FrameDuration)[0]
	}
	now := p.now()
	speech := !fakespeech.IsSilence(f)
	// The assistant is talking while its audio keeps arriving, or while
	// what arrived is still to play (a loaded engine may pause its sends
	// for longer than the window with the caller still hearing it).
	assistantTalking := now.Sub(p.audioAt) < bargeWindow || p.audioQueued()
	switch {
	case speech:
		if !p.speaking {
			p.speechAt, p.bargeAt = now, time.Time{}
			if assistantTalking {
				p.bargeAt = now // talking over the assistant: a clear should follow
			}
		}
		p.speaking, p.lastSpeechAt, p.awaiting = true, now, false
	case p.speaking && now.Sub(p.lastSpeechAt) >= utteranceGap:
		// The reply is timed only if the assistant is quiet now: audio
		// still arriving belongs to what the caller talked over.
		p.speaking, p.awaiting = false, !assistantTalking
	}
	return f
}

// audioQueued reports whether assistant audio waits to be played.
func (p *Phone) audioQueued() bool {
	for _, it := range p.queue {
		if it.frame != nil && !fakespeech.IsSilence(it.frame) {
			return true
		}
	}
	return false
}

// Receive queues a frame of the assistant's audio to play.
func (p *Phone) Receive(frame []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.frames++
	if p.onReceive != nil {
		p.onReceive(now, frame)
	}
	if !fakespeech.IsSilence(frame) {
		if p.awaiting {
			p.replies = append(p.replies, now.Sub(p.lastSpeechAt))
			p.awaiting, p.bargeAt = false, time.Time{}
		}
		p.audioAt = now
	}
	p.queue = append(p.queue, playItem{frame: frame})
	p.notify()
}

// OnReceive makes f see every frame of the assistant's audio as it
// arrives, with its arrival time, so a load generator can measure the
// engine's pacing. f runs under the phone's lock: it must not call the
// phone.
func (p *Phone) OnReceive(f func(at time.Time, frame []byte)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onReceive = f
}

// Mark queues a mark after the audio received so far; it returns true when
// nothing is left to play, so the mark is reported at once.
func (p *Phone) Mark(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		return true
	}
	p.queue = append(p.queue, playItem{mark: name})
	return false
}

// Clear drops the audio not yet played and returns the marks that were
// pending, which carriers report at a clear (Twilio, Telnyx).
func (p *Phone) Clear() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var marks []string
	for _, it := range p.queue {
		if it.frame == nil {
			marks = append(marks, it.mark)
		}
	}
	p.queue = p.queue[:0]
	p.cleared++
	p.audioAt = time.Time{} // what was dropped is not the assistant still talking: its next audio answers the caller
	// A clear while the caller talks is the engine stopping a reply the
	// caller talked over, even if its audio had paused so long (a loaded
	// engine) that the phone took the line for quiet when the talk began.
	switch {
	case !p.bargeAt.IsZero():
		p.barges = append(p.barges, p.now().Sub(p.bargeAt))
	case p.speaking:
		p.barges = append(p.barges, p.now().Sub(p.speechAt))
	}
	p.bargeAt = time.Time{}
	p.notify()
	return marks
}

// Play plays one frame's worth of the queue and returns the marks reached:
// those before the frame and those right after it.
func (p *Phone) Play() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var marks []string
	played := false
	for len(p.queue) > 0 {
		it := p.queue[0]
		if it.frame != nil {
			if played {
				break
			}
			played = true
			p.hear(it.frame)
		} else {
			marks = append(marks, it.mark)
		}
		p.queue = p.queue[1:]
	}
	if len(p.queue) == 0 {
		p.queue = nil // let the backing array go
	}
	return marks
}

// hear decodes a frame as it plays: a fakespeech word, or a DTMF tone
// (looked for only in audio fakespeech did not mark, so words cost nothing).
func (p *Phone) hear(frame []byte) {
	d := fakespeech.Decode(frame)
	if d.Kind == fakespeech.KindWord {
		p.heard = append(p.heard, d.Word)
		p.notify()
	}
	key := rune(0)
	if d.Kind == fakespeech.KindNone && !fakespeech.IsSilence(frame) {
		key = detectTone(frame)
	}
	if key != 0 && key != p.tone {
		p.tones = append(p.tones, key)
		p.notify()
	}
	p.tone = key
}

// Hear records words heard outside the stream (a carrier's own speech,
// such as TwiML <Say>).
func (p *Phone) Hear(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.heard = append(p.heard, strings.Fields(text)...)
	p.notify()
}

// Run drives the phone in real time until ctx is done or send fails:
// every pace it sends the next frame and plays one frame of what it
// received, reporting the marks reached through echo.
func (p *Phone) Run(ctx context.Context, pace time.Duration, send func(frame []byte) error, echo func(mark string) error) error {
	t := time.NewTicker(pace)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if err := send(p.Next()); err != nil {
			return err
		}
		for _, m := range p.Play() {
			if err := echo(m); err != nil {
				return err
			}
		}
	}
}
