package bench

import "testing"

// Calls are spread over the engines of a system in turn.
func TestCarrierTakesTheEnginesInTurn(t *testing.T) {
	s := &system{}
	acct := newAccount()
	for _, url := range []string{"http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"} {
		cl, err := s.addCloud(url, acct)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cl.Close)
	}
	got := map[int]int{}
	for range 9 {
		c := s.carrier()
		for i, cl := range s.clouds {
			if c == cl {
				got[i]++
			}
		}
	}
	if got[0] != 3 || got[1] != 3 || got[2] != 3 {
		t.Fatalf("calls per engine: %v", got)
	}
}

// Every run's figures per call are growth over the process before the
// first run: a later run (a ramp's next step) does not take what an
// earlier one left for idle.
func TestIdleIsBeforeTheFirstRun(t *testing.T) {
	s := &system{}
	first := s.idleSample()
	if again := s.idleSample(); !again.At.Equal(first.At) {
		t.Fatalf("idle sampled again: %v, then %v", first.At, again.At)
	}
}
