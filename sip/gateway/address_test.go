package gateway

import "testing"

func TestTrunkAddress(t *testing.T) {
	for raw, want := range map[string]struct {
		host string
		port int
	}{
		"sip.example.com": {"sip.example.com", 5060}, "SIP.Example.com:5080": {"sip.example.com", 5080},
		"192.0.2.1": {"192.0.2.1", 5060}, "192.0.2.1:5062": {"192.0.2.1", 5062}, "2001:db8::1": {"2001:db8::1", 5060},
		"[2001:db8::1]:5070": {"2001:db8::1", 5070},
	} {
		host, port, err := TrunkAddress(raw)
		if err != nil || host != want.host || port != want.port {
			t.Errorf("%q: %s %d %v", raw, host, port, err)
		}
	}
	for _, bad := range []string{"", "sip:pbx.example.com", "pbx.example.com:0", "pbx.example.com:99999", "pbx..example.com",
		"-pbx.example.com", "pbx example.com", "pbx.example.com:x", "user@pbx.example.com"} {
		if _, _, err := TrunkAddress(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzTrunkAddress(f *testing.F) {
	f.Add("sip.example.com:5060")
	f.Add("[::1]:5060")
	f.Fuzz(func(t *testing.T, raw string) {
		host, port, err := TrunkAddress(raw)
		if err != nil {
			return
		}
		if again, p2, err := TrunkAddress(host); err != nil || again != host || p2 != defaultPort || port < 1 || port > 65535 {
			t.Fatalf("%q read as %q:%d, which reads back as %q %v", raw, host, port, again, err)
		}
	})
}
