package telephonytest

import (
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// WaitRequest waits until a fake carrier received an API request that
// matches, described by what, and returns it.
func WaitRequest[R any](h *Harness, requests func() []R, what string, match func(R) bool) R {
	h.T.Helper()
	var got R
	testkit.Eventually(h.T, 10*time.Second, func() error {
		for _, q := range requests() {
			if match(q) {
				got = q
				return nil
			}
		}
		return fmt.Errorf("no %s in %+v", what, requests())
	})
	return got
}
