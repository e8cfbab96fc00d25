package bench

import (
	"context"
	"testing"
	"time"
)

// The floor relays a call's I/O: the caller's questions reach the
// recogniser and the synthesised replies come back as paced frames.
func TestFloorCarriesACallsIO(t *testing.T) {
	sys, err := startFloor(DefaultLatencies)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	l := &load{sys: sys, calls: 1, duration: time.Minute, once: true, name: "floor"}
	r := l.run(context.Background())
	if r.CallsCompleted != 1 || len(r.Errors) != 0 {
		t.Fatalf("completed %d of 1 call; errors %v", r.CallsCompleted, r.Errors)
	}
	if r.Pacing.Frames == 0 {
		t.Fatal("no synthesised frames reached the caller")
	}
}
