package webhooks_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/webhooks"
)

func TestSignAndVerify(t *testing.T) {
	body := []byte(`{"message":{"type":"status-update"}}`)
	at := time.Unix(1763715600, 0)
	h := webhooks.Sign("s3cret", at, body)
	// printf '%s' '1763715600.{"message":{"type":"status-update"}}' | openssl dgst -sha256 -hmac s3cret
	if h != "t=1763715600,v1=30d19030b82e426ebb630f75c91f1810e84fea05f2a86f5a77e1158281953959" {
		t.Fatalf("header %q", h)
	}
	for _, c := range []struct {
		name   string
		header string
		secret string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", h, "s3cret", body, at.Add(time.Minute), nil},
		{"rotation: any v1 matching", "t=1763715600,v1=00ff," + strings.TrimPrefix(h, "t=1763715600,"), "s3cret", body, at, nil},
		{"other secret", h, "other", body, at, webhooks.ErrBadSignature},
		{"tampered body", h, "s3cret", append([]byte(" "), body...), at, webhooks.ErrBadSignature},
		{"too old", h, "s3cret", body, at.Add(6 * time.Minute), webhooks.ErrStale},
		{"from the future", h, "s3cret", body, at.Add(-6 * time.Minute), webhooks.ErrStale},
		{"no signature", "t=1763715600", "s3cret", body, at, webhooks.ErrNoSignature},
		{"no timestamp", "v1=abc", "s3cret", body, at, webhooks.ErrNoSignature},
		{"garbage", "sha256=abc", "s3cret", body, at, webhooks.ErrNoSignature},
		{"empty", "", "s3cret", body, at, webhooks.ErrNoSignature},
	} {
		if err := webhooks.Verify(c.header, c.secret, c.body, c.now, 5*time.Minute); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// FuzzVerify: any header parses without panicking, and only a header
// carrying the body's true signature verifies.
func FuzzVerify(f *testing.F) {
	body := []byte(`{"a":1}`)
	f.Add(webhooks.Sign("k", time.Unix(1000, 0), body), int64(1000))
	f.Add("t=1000,v1=,v1=zz", int64(1000))
	f.Add("t=-9223372036854775808,v1=00", int64(9223372036854775807))
	f.Add(",,=,t==1", int64(0))
	f.Fuzz(func(t *testing.T, header string, now int64) {
		err := webhooks.Verify(header, "k", body, time.Unix(now, 0), 5*time.Minute)
		if err != nil {
			return
		}
		var ts string
		for p := range strings.SplitSeq(header, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "t="); ok {
				ts = v
			}
		}
		want := webhooks.Sign("k", parseUnix(ts), body)
		if !strings.Contains(header, strings.TrimPrefix(want, "t="+ts+",")) {
			t.Fatalf("%q verified without the body's signature %q", header, want)
		}
	})
}

func parseUnix(s string) time.Time {
	n, _ := strconv.ParseInt(s, 10, 64) // Verify accepted it
	return time.Unix(n, 0)
}
