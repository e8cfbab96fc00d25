package twilio_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/voice"
)

// BenchmarkConcurrentCalls runs n complete Twilio calls at once through
// real sockets, the gateway and the call actors (scripted providers): each
// caller hears the greeting, asks a question, hears the answer, talks over
// a long reply until it is cleared, and hangs up. It reports the
// percentiles of the caller-side timings: last caller frame sent → first
// assistant frame received (which includes the scripted recogniser's
// 200 ms endpointing), and first interrupting frame → clear received
// (which includes the engine's interruption policy).
func BenchmarkConcurrentCalls(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("calls=%d", n), func(b *testing.B) {
			for b.Loop() {
				replies, barges, failed := runCalls(b, n)
				b.ReportMetric(float64(failed), "failed")
				report(b, "reply", replies)
				report(b, "bargein", barges)
			}
		})
	}
}

func report(b *testing.B, name string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, name+"-p50-ms")
	b.ReportMetric(float64(d[len(d)*95/100].Microseconds())/1000, name+"-p95-ms")
}

const long = "I can help with orders, returns, deliveries, billing, and a great many other things besides, so tell me."

func runCalls(b testing.TB, n int) (replies, barges []time.Duration, failed int) {
	r := newRig(b, telephonytest.Welcome("Hello there."))
	r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		if telephonytest.LastMessage(req) == "tell me more" {
			return long, nil
		}
		return "You said: " + telephonytest.LastMessage(req), nil
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := range n {
		wg.Go(func() {
			c, err := r.cloud.Dial(ctx, fmt.Sprintf("+1555%07d", i), telephonytest.Number)
			ok := err == nil && oneCall(ctx, c)
			mu.Lock()
			defer mu.Unlock()
			if !ok {
				failed++
				return
			}
			tm := c.Phone.Timings()
			replies = append(replies, tm.Replies...)
			barges = append(barges, tm.BargeIns...)
		})
	}
	wg.Wait()
	return replies, barges, failed
}

// oneCall speaks once the assistant has finished, as a polite caller
// does, so a reply's timing is not the engine's interruption handling.
func oneCall(ctx context.Context, c *twiliotest.Call) bool {
	defer c.HangUp()
	heard := func(s string) bool {
		return c.Phone.WaitHeard(ctx, s) == nil &&
			c.Phone.Wait(ctx, func(p *phone.Phone) bool { return p.Quiet(300 * time.Millisecond) }) == nil
	}
	if !heard("Hello there.") {
		return false
	}
	c.Say("what are your hours")
	if !heard("You said: what are your hours") {
		return false
	}
	c.Say("tell me more")
	if c.Phone.WaitHeard(ctx, "I can help") != nil {
		return false
	}
	c.Say("stop right there please")
	return c.Phone.Wait(ctx, func(p *phone.Phone) bool { return p.Clears() > 0 }) == nil
}
