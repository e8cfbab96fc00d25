package llmtest

import (
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

// FaultCase is a fault and how the client must report it.
type FaultCase struct {
	Fault  fault.Fault
	Status int    // the *sse.StatusError's, if the fault is an HTTP status
	Type   string // the *sse.StatusError's Type
	Want   error  // else the error it must wrap, if any: it is no StatusError
	Deltas int    // text deltas emitted before the fault
}

// Faults injects each case's fault into srv and checks that a request by a
// client from newClient fails as the case says, without LLMDone.
func Faults(t *testing.T, srv Fake, newClient func(t *testing.T) voice.LLM, cases []FaultCase) {
	for _, tc := range cases {
		t.Run(tc.Fault.Kind.String(), func(t *testing.T) {
			srv.Faults().Next(tc.Fault, 1)
			rec, err := Generate(t, newClient(t), UserRequest("x"))
			var se *sse.StatusError
			switch {
			case tc.Status != 0:
				if !errors.As(err, &se) || se.Status != tc.Status || se.Type != tc.Type {
					t.Fatalf("got %v", err)
				}
			case err == nil || errors.As(err, &se) || tc.Want != nil && !errors.Is(err, tc.Want):
				t.Fatalf("got %v", err)
			}
			if rec.Deltas() != tc.Deltas || rec.Done() != nil {
				t.Fatalf("%d deltas, done %v", rec.Deltas(), rec.Done())
			}
		})
	}
}
