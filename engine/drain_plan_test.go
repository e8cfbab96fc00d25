package engine

import (
	"context"
	"testing"
	"time"
)

// The default drain's margin is 5 s: 3 s of goodbyes, half a second to hang
// up, a second for records and webhooks, half a second for the rest. A
// drain with no time left has no goodbye.
func TestPlanDrain(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	ctx, cancel := context.WithDeadline(context.Background(), now.Add(30*time.Second))
	defer cancel()
	p := planDrain(now, ctx)
	if p.goodbyes != now.Add(25*time.Second) || p.within != 3*time.Second ||
		p.hungUp != now.Add(28500*time.Millisecond) || p.flushed != now.Add(29500*time.Millisecond) {
		t.Fatalf("plan %+v", p)
	}
	if p := planDrain(now.Add(31*time.Second), ctx); p.within != 0 || p.goodbyes != now.Add(30*time.Second) {
		t.Fatalf("late plan %+v", p)
	}
	if p := planDrain(now, context.Background()); p != (drainPlan{}) {
		t.Fatalf("plan without a deadline %+v", p)
	}
}
