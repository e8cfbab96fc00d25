package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

// stepTimeout bounds each step of a caller's script: an engine that
// does not answer within it has failed that call.
const stepTimeout = 20 * time.Second

// quiet is how long the line must stay silent for the assistant to have
// finished speaking.
const quiet = 400 * time.Millisecond

// caller is one simulated person on a call.
type caller struct {
	c   line
	p   *phone.Phone
	rng *rand.Rand

	// turns are the answers timed so far. The phone times every audio
	// that follows the caller's speech on a quiet line, which includes
	// the engine resuming a reply it paused for a backchannel: the script
	// keeps only its questions' answers.
	// The answer to what the caller said over the assistant is apart: it
	// waits for the engine's interruption cooldown by design.
	turns, afterBarge []time.Duration
	// barges are the barge-ins timed in the barge-in step: over RTP the
	// caller also hears the assistant pause for the backchannel.
	barges  []time.Duration
	seen    int           // replies the phone timed that were looked at
	counted *atomic.Int64 // the run's turns so far, for progress
}

// take keeps in to the answers the phone timed since the last look.
func (cl *caller) take(to *[]time.Duration) {
	r := cl.p.Timings().Replies
	*to = append(*to, r[cl.seen:]...)
	cl.counted.Add(int64(len(r) - cl.seen))
	cl.seen = len(r)
}

// skip drops them.
func (cl *caller) skip() { cl.seen = len(cl.p.Timings().Replies) }

// converse is the engine script: the greeting, a question, a question
// whose long answer gets an "mm-hmm", a question whose answer is
// interrupted, a silence, and (by the caller of converse) a hang-up.
// Between turns the caller pauses for 0.4–1.2 s, as people do.
func (cl *caller) converse(ctx context.Context) error {
	p := cl.p
	if err := cl.hear(ctx, greetingEnd); err != nil {
		return failed("greeting not heard", err)
	}
	cl.skip()
	if err := cl.turn(ctx, askHours, "Saturday"); err != nil {
		return err
	}

	cl.pause(ctx)
	clears := p.Clears()
	cl.c.Say(askRepair)
	if err := cl.wait(ctx, func(p *phone.Phone) bool { return contains(p, "tomorrow") }); err != nil {
		return failed("reply not heard", err)
	}
	cl.take(&cl.turns)
	cl.c.Say(backchannel)
	if err := cl.hear(ctx, "evening"); err != nil {
		if p.Clears() > clears {
			return failed("backchannel cut the reply", err)
		}
		return failed("reply not heard", err)
	}
	cl.skip()

	cl.pause(ctx)
	clears = p.Clears()
	cl.c.Say(askPrices)
	if err := cl.wait(ctx, func(p *phone.Phone) bool { return contains(p, "basic") }); err != nil {
		return failed("reply not heard", err)
	}
	cl.take(&cl.turns)
	barged := len(p.Timings().BargeIns)
	cl.c.Say(bargeIn)
	if err := cl.wait(ctx, func(p *phone.Phone) bool { return p.Clears() > clears }); err != nil {
		return failed("no clear after barge-in", err)
	}
	cl.barges = p.Timings().BargeIns[barged:]
	if err := cl.hear(ctx, "listening"); err != nil {
		return failed("reply not heard", err)
	}
	cl.take(&cl.afterBarge)
	return sleep(ctx, time.Second)
}

// turn asks and waits for the whole answer, which contains word.
func (cl *caller) turn(ctx context.Context, ask, word string) error {
	cl.pause(ctx)
	cl.c.Say(ask)
	if err := cl.hear(ctx, word); err != nil {
		return failed("reply not heard", err)
	}
	cl.take(&cl.turns)
	return nil
}

// hear waits until word was heard and the assistant went quiet.
func (cl *caller) hear(ctx context.Context, word string) error {
	return cl.wait(ctx, func(p *phone.Phone) bool { return contains(p, word) && p.Quiet(quiet) })
}

func (cl *caller) wait(ctx context.Context, cond func(*phone.Phone) bool) error {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	return cl.p.Wait(ctx, cond)
}

func (cl *caller) pause(ctx context.Context) {
	_ = sleep(ctx, 400*time.Millisecond+time.Duration(cl.rng.Int64N(int64(800*time.Millisecond))))
}

// stream is the floor script: the same utterances with the same pauses
// and time for answers, but nothing to wait for (the relay only echoes).
func (cl *caller) stream(ctx context.Context) error {
	for _, u := range []string{askHours, askRepair, backchannel, askPrices, bargeIn} {
		cl.c.Say(u)
		if err := cl.wait(ctx, func(p *phone.Phone) bool { return !p.Speaking() }); err != nil {
			return err
		}
		cl.pause(ctx)
		if err := sleep(ctx, 3*time.Second); err != nil { // an answer's length
			return err
		}
	}
	return nil
}

func contains(p *phone.Phone, word string) bool {
	for _, w := range p.Heard() {
		if len(w) >= len(word) && w[:len(word)] == word {
			return true
		}
	}
	return false
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ended reports whether err only means the run is over.
func ended(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
