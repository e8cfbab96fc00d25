package llmtest

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// Fake is what the scenarios drive of a fake built on openaifake.
type Fake interface {
	Faults() *fault.Injector
	Active() int
	Requests() []openaifake.Request
}

// LastRequest is the last request srv received, with its body decoded as B.
func LastRequest[B any](t testing.TB, srv Fake) (openaifake.Request, B) {
	t.Helper()
	reqs := srv.Requests()
	r := reqs[len(reqs)-1]
	var body B
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	return r, body
}
