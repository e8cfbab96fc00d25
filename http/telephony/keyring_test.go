package telephony

import (
	"context"
	"testing"
	"time"
)

type countingDirectory struct{ fetches int }

func (d *countingDirectory) Credentials(context.Context, string) ([]Credentials, error) {
	d.fetches++
	return []Credentials{{OrganizationID: int64(d.fetches)}}, nil
}

// Credentials are cached for the TTL; forced refreshes are rate-limited,
// so forged requests cannot hammer the directory.
func TestKeyring(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	d := &countingDirectory{}
	k := NewKeyring(d, Twilio)
	k.now = func() time.Time { return now }
	ctx := context.Background()
	if _, v, _ := k.Get(ctx); v != 1 || d.fetches != 1 {
		t.Fatalf("version %d, %d fetches", v, d.fetches)
	}
	for range 100 {
		if _, _, refreshed, _ := k.Refresh(ctx); refreshed {
			t.Fatal("refreshed within the minimum interval")
		}
	}
	now = now.Add(6 * time.Second)
	if c, v, refreshed, _ := k.Refresh(ctx); !refreshed || v != 2 || c[0].OrganizationID != 2 {
		t.Fatalf("refresh: %v, version %d", refreshed, v)
	}
	now = now.Add(59 * time.Second)
	if _, v, _ := k.Get(ctx); v != 2 {
		t.Fatalf("refetched within the TTL: version %d", v)
	}
	now = now.Add(2 * time.Second)
	if _, v, _ := k.Get(ctx); v != 3 || d.fetches != 3 {
		t.Fatalf("not refetched after the TTL: version %d", v)
	}
}

func TestPublicURL(t *testing.T) {
	for in, want := range map[string][2]string{
		"https://sb.example.com":       {"https://sb.example.com/telephony/x", "wss://sb.example.com/telephony/x"},
		"https://sb.example.com:8443/": {"https://sb.example.com:8443/telephony/x", "wss://sb.example.com:8443/telephony/x"},
		"http://127.0.0.1:8080/sb":     {"http://127.0.0.1:8080/sb/telephony/x", "ws://127.0.0.1:8080/sb/telephony/x"},
	} {
		p, err := ParsePublicURL(in)
		if err != nil || p.HTTP("/telephony/x") != want[0] || p.WS("/telephony/x") != want[1] {
			t.Errorf("%s: %v %s %s", in, err, p.HTTP("/telephony/x"), p.WS("/telephony/x"))
		}
	}
	for _, bad := range []string{"", "sb.example.com", "ftp://x", "https://x/?a=1", "https://"} {
		if _, err := ParsePublicURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
