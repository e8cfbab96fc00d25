package sttsocket

import (
	"errors"
	"testing"
	"time"
)

type refusal struct {
	retry bool
	after time.Duration
}

func (r refusal) Error() string             { return "refused" }
func (r refusal) Retryable() bool           { return r.retry }
func (r refusal) RetryDelay() time.Duration { return r.after }

func TestBackoffHonoursRetryDelay(t *testing.T) {
	s := &stream{cfg: Config{BackoffMin: 10 * time.Millisecond, BackoffMax: 10 * time.Second}.WithDefaults()}
	for range 20 {
		if d := s.backoff(1, refusal{retry: true, after: 3 * time.Second}); d < 2400*time.Millisecond || d > 3600*time.Millisecond {
			t.Fatalf("backoff after a 3 s retry delay: %v", d)
		}
		if d := s.backoff(30, nil); d < 8*time.Second || d > 12*time.Second {
			t.Fatalf("capped backoff: %v", d)
		}
	}
}

func TestPermanent(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{refusal{retry: false}, true},
		{refusal{retry: true}, false},
		{&ServerError{Code: "401", Permanent: true}, true},
		{&ServerError{Code: "503"}, false},
		{errors.New("network"), false},
	} {
		if got := permanent(c.err); got != c.want {
			t.Errorf("permanent(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
