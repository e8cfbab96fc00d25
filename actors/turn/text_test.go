package turn

import (
	"slices"
	"testing"
)

func TestAcknowledgements(t *testing.T) {
	for text, want := range map[string]bool{
		"uh-huh": true, "Mm-hmm.": true, "Yeah, okay.": true, "I see": true, "Right, right": true, "got it": true,
		"Uh huh": true, "hmm": true,
		"I need help": false, "yes please transfer me": false, "stop": false, "": false, "see you": false, "all of it": false,
	} {
		if got := isAcknowledgement(text); got != want {
			t.Errorf("isAcknowledgement(%q) = %v", text, got)
		}
	}
	if got := contentWords("Yeah, I see, but wait a second", true); !slices.Equal(got, []string{"but", "wait", "a", "second"}) {
		t.Errorf("contentWords = %v", got)
	}
	if got := contentWords("Yeah wait", false); !slices.Equal(got, []string{"yeah", "wait"}) {
		t.Errorf("unfiltered = %v", got)
	}
}

func TestLooksUnfinished(t *testing.T) {
	for text, want := range map[string]bool{
		"I want to": true, "My number is": true, "and um": true, "Well,": true, "so...": true,
		"I want to book a table.": false, "Thanks": false, "": false, "Yes": false,
	} {
		if got := looksUnfinished(text); got != want {
			t.Errorf("looksUnfinished(%q) = %v", text, got)
		}
	}
}

func TestSimilarity(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"I want to book a table", "I want to book a table.", 1},
		{"I want to book a table", "I want to book a table for two", 0.75},
		{"cancel my order", "what are your hours", 0},
		{"", "", 1},
	} {
		if got := similarity(tc.a, tc.b); got != tc.want {
			t.Errorf("similarity(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
