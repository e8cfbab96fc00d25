package privacy

import "testing"

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"+15550001234": "*********234", "123": "***", "": "", "anonymous": "******ous"} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	if f, to := Parties("inbound", "+15550001234", "+15550100100"); f != "*********234" || to != "+15550100100" {
		t.Errorf("inbound: %q %q", f, to)
	}
	if f, to := Parties("outbound", "+15550100100", "+15550001234"); f != "+15550100100" || to != "*********234" {
		t.Errorf("outbound: %q %q", f, to)
	}
}
