package gateway

import (
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func TestE164(t *testing.T) {
	for user, want := range map[string]string{
		"+15550001111": "+15550001111", "15550001111": "+15550001111", "+1 (555) 000-1111": "+15550001111",
		"+15550001111;npdi": "+15550001111", "1234": "", "+44": "+44", "bob": "", "015550001111": "", "+1234567890123456": "",
	} {
		if got := e164(sip.Uri{User: user}); got != want {
			t.Errorf("%q: %q, want %q", user, got, want)
		}
	}
}

func TestRateLimitPerSource(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newLimiter(2, 3, func() time.Time { return now })
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	for i := range 3 {
		if ok, _ := l.allow(a); !ok {
			t.Fatalf("request %d refused within the burst", i)
		}
	}
	if ok, first := l.allow(a); ok || !first {
		t.Fatal("the burst was exceeded")
	}
	if ok, first := l.allow(a); ok || first {
		t.Fatal("a flood is logged once")
	}
	if ok, _ := l.allow(b); !ok {
		t.Fatal("another source was limited")
	}
	now = now.Add(time.Second) // two tokens back
	if ok, _ := l.allow(a); !ok {
		t.Fatal("tokens did not come back")
	}
}

func FuzzE164(f *testing.F) {
	for _, s := range []string{"+15550001111", "1 555 000", "+()", "+1;x=y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, user string) {
		n := e164(sip.Uri{User: user})
		if n != "" && (n[0] != '+' || len(n) < 3 || len(n) > 16) {
			t.Fatalf("%q read as %q", user, n)
		}
	})
}

func TestWarnTextCannotBreakTheHeader(t *testing.T) {
	if got := warnText("sdp: c= \"x\r\nVia: evil\\\u00e9"); got != "sdp: c= ?x??Via: evil???" {
		t.Fatalf("%q", got)
	}
}
