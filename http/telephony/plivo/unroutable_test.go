package plivo_test

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

// A call the engine cannot route (its database is away) is told so in the
// carrier's language and hung up, not answered with an HTTP error.
func TestUnroutableCallHearsAnApology(t *testing.T) {
	r := newRig(t, nil)
	r.Dir.FailRoutes(errors.New("database unreachable"))
	c, err := r.cloud.Dial(telephonytest.Ctx(t, 10*time.Second), telephonytest.CallerNumber, telephonytest.Number)
	if err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	if said := c.Said(); len(said) != 1 || said[0] != telephony.RefusalUnavailable {
		t.Fatalf("said %q", said)
	}
	if r.Events.Started() != 0 {
		t.Fatal("an unroutable call started")
	}
}
