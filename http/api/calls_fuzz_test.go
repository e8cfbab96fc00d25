package api

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/phone"
)

// FuzzOutboundRequest: any body is either refused with a 422 or yields a
// request with a positive assistant and E.164 numbers.
func FuzzOutboundRequest(f *testing.F) {
	f.Add([]byte(`{"assistant_id":1,"to":"+15551234567","from":"+15550000000"}`))
	f.Add([]byte(`{"assistant_id":"1","to":5,"from":null,"x":{}}`))
	f.Add([]byte(`{"assistant_id":1e99}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := outboundBody.parse(body)
		if err != nil {
			return
		}
		if r.AssistantID <= 0 || !phone.IsE164(r.To) || !phone.IsE164(r.From) {
			t.Fatalf("accepted %q as %+v", body, r)
		}
	})
}

// FuzzISOTime: a date-time filter parses or is refused, never panics, and
// a date's end of day is within that day.
func FuzzISOTime(f *testing.F) {
	for _, s := range []string{"2026-11-21", "2026-11-21T09:30:00Z", "2026-11-21T09:30:00.5+01:00", "2026-11-21 09:30:00",
		"2026-11-21T09:30", "0000-01-01", "9999-12-31T23:59:59.999999999-23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		from, err := parseISOTime(raw, false)
		if err != nil {
			return
		}
		to, err := parseISOTime(raw, true)
		if err != nil || to.Before(from) || to.Sub(from) >= 24*time.Hour {
			t.Fatalf("%q: from %v to %v (%v)", raw, from, to, err)
		}
	})
}
