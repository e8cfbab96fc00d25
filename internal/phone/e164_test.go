package phone

import (
	"regexp"
	"testing"
)

func TestIsE164(t *testing.T) {
	for s, want := range map[string]bool{
		"+15551234567": true, "+44": true, "+123456789012345": true,
		"+1234567890123456": false, "+0123": false, "15551234567": false, "+1": false, "+1 555": false, "": false, "+": false,
	} {
		if got := IsE164(s); got != want {
			t.Errorf("IsE164(%q) = %v", s, got)
		}
	}
}

// The hand-written check agrees with the E.164 pattern on any input.
func FuzzIsE164(f *testing.F) {
	pattern := regexp.MustCompile(E164Pattern)
	for _, s := range []string{"+15551234567", "+0", "+1234567890123456", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if IsE164(s) != pattern.MatchString(s) {
			t.Fatalf("IsE164(%q) = %v, the pattern says %v", s, IsE164(s), pattern.MatchString(s))
		}
	})
}
