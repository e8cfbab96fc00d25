package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// DefaultGoodbye is what calls still live near the drain deadline hear
// unless told otherwise: short enough to be heard whole in the goodbyes'
// part of the drain margin.
const DefaultGoodbye = "Sorry, I have to end our call now. Goodbye."

// goodbyeMargin is the end of a drain (at most half of it) in which the
// calls still live are ended. Its parts, as fractions of it: the goodbyes
// (cut if they run longer: 3 s by default), the hang-ups and carrier
// sockets closing, the records and webhooks, then the HTTP server.
const goodbyeMargin = 5 * time.Second

const (
	goodbyesPart = 0.6
	hangUpsPart  = 0.1
	flushPart    = 0.2
)

// drainPlan is when each part of a drain must be over; all zero for a
// drain without a deadline, whose calls are ended at once.
type drainPlan struct {
	goodbyes time.Time     // live calls are told to end, with their goodbye
	within   time.Duration // their goodbye is cut, and they hang up, after this
	hungUp   time.Time     // every call gone, its carrier socket closed
	flushed  time.Time     // records written or spilled, webhooks sent or left queued
}

func planDrain(now time.Time, ctx context.Context) drainPlan {
	deadline, ok := ctx.Deadline()
	if !ok {
		return drainPlan{}
	}
	m := max(0, min(goodbyeMargin, deadline.Sub(now)/2))
	part := func(f float64) time.Duration { return time.Duration(f * float64(m)) }
	p := drainPlan{goodbyes: deadline.Add(-m), within: part(goodbyesPart)}
	p.hungUp = p.goodbyes.Add(p.within + part(hangUpsPart))
	p.flushed = p.hungUp.Add(part(flushPart))
	return p
}

// until is ctx ending at t as well, if t is set.
func until(ctx context.Context, t time.Time) (context.Context, context.CancelFunc) {
	if t.IsZero() {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, t)
}

func (e *Engine) drain(ctx context.Context, goodbye string) error {
	e.draining.Store(true)
	e.Calls.Refuse()
	if n := e.Calls.Count(); n > 0 {
		e.Log.Info("draining: waiting for live calls", "calls", n)
	}
	plan := planDrain(time.Now(), ctx)
	callsCtx, cancelCalls := until(ctx, plan.hungUp)
	defer cancelCalls()
	e.endCalls(callsCtx, plan, goodbye)
	if err := e.Streams.Close(callsCtx); err != nil {
		e.Log.Warn("carrier sockets still open at the drain deadline", "err", err)
	}
	if e.Gateways.SIP != nil {
		if err := e.Gateways.SIP.Close(callsCtx); err != nil {
			e.Log.Warn("SIP calls still live at the drain deadline", "err", err)
		}
	}
	// A call still live here outlived the hang-up deadline (endCalls said
	// so): waiting for it would leave nothing of the drain's time for the
	// records and webhooks of the calls that ended.
	select {
	case <-e.Calls.Idle():
		e.Calls.Wait()
	default:
	}

	var errs []error
	flushCtx, cancelFlush := until(ctx, plan.flushed)
	defer cancelFlush()
	if err := e.Records.Close(flushCtx); err != nil {
		errs = append(errs, fmt.Errorf("call records: %w", err))
	}
	e.sendWebhooks(flushCtx)
	e.stop()
	e.done.Wait()
	if len(errs) == 0 {
		if err := e.endBoot(ctx); err != nil {
			errs = append(errs, fmt.Errorf("boot: %w", err))
		}
	}
	// Every call has ended and its records and webhooks are written or
	// left durably for the next start: connections still open at the
	// deadline (idle keep-alives, an API request in flight) lose nothing
	// the drain promised, so they are closed, not a failed drain.
	if err := e.App.ShutdownWithContext(ctx); err != nil {
		e.Log.Warn("HTTP connections still open at the drain deadline: closed", "err", err)
	}
	e.leave()
	e.Calls.Close()
	return errors.Join(errs...)
}

// endCalls waits for the live calls to end by themselves, then ends the
// rest with goodbye, cut at the plan's bound, and waits for them until ctx
// ends. Without a deadline the calls are ended at once.
func (e *Engine) endCalls(ctx context.Context, plan drainPlan, goodbye string) {
	if wait := time.Until(plan.goodbyes); !plan.goodbyes.IsZero() && wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-e.Calls.Idle():
			return
		case <-t.C:
		}
	}
	if n := e.Calls.Count(); n > 0 {
		e.Log.Warn("drain deadline near: ending live calls", "calls", n)
		if !plan.goodbyes.IsZero() && plan.within <= 0 {
			goodbye = "" // no time left to say it
		}
		e.Calls.Drain(events.EndShutdown, goodbye, plan.within)
	}
	select {
	case <-e.Calls.Idle():
	case <-ctx.Done():
		e.Log.Error("drain deadline passed with calls still live", "calls", e.Calls.Count())
	}
}

// sendWebhooks sends the due webhooks until none is left or ctx ends. A
// call's webhooks go out in order, one per dispatch, so one dispatch is not
// enough; what is left stays queued in the database (or, with its record,
// in the spill file) for the next start.
func (e *Engine) sendWebhooks(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := e.Webhooks.DispatchDue(ctx)
		if err != nil {
			e.Log.Warn("webhooks left queued for the next start", "err", err)
			return
		}
		if n == 0 {
			return
		}
	}
}

// leave stops the actor system, after leaving the cluster if in one: the
// other nodes stop counting on this one at once rather than at the end of
// its membership's lease.
func (e *Engine) leave() {
	if e.Node == nil {
		e.System.Shutdown()
		return
	}
	e.feed.Stop()
	e.Node.Leave()
}
