package mono

import "testing"

func TestReadingsAreOrderedAndNeverZero(t *testing.T) {
	a := Now()
	b := Now()
	if a.IsZero() || b < a {
		t.Fatalf("readings %d then %d", a, b)
	}
	if d := Since(a); d < 0 {
		t.Fatalf("Since went backwards: %v", d)
	}
	var none Time
	if !none.IsZero() {
		t.Fatal("the zero Time is a reading")
	}
}
