package recent

import "testing"

func TestAppendKeepsTheNewest(t *testing.T) {
	var s []int
	for i := range 5*Keep + 7 {
		s = Append(Newest, s, i)
		if len(s) > 2*Keep {
			t.Fatalf("%d records kept", len(s))
		}
	}
	if last := s[len(s)-1]; last != 5*Keep+6 || len(s) < Keep {
		t.Fatalf("last %d of %d kept", last, len(s))
	}
	for i := 1; i < len(s); i++ {
		if s[i] != s[i-1]+1 {
			t.Fatalf("out of order at %d: %d after %d", i, s[i], s[i-1])
		}
	}
}

func TestNothingKeepsNothing(t *testing.T) {
	var s []int
	for i := range 3 * Keep {
		s = Append(Nothing, s, i)
	}
	if s != nil {
		t.Fatalf("%d records kept", len(s))
	}
}
