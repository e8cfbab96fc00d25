package knowledge_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/knowledge"
)

const guide = "Opening hours. The clinic is open Monday to Friday from 8 am to 6 pm. On Saturday it opens from 9 am to 1 pm.\n\n" +
	"Prices. A check-up costs 45 euros. A cleaning costs 80 euros. Whitening costs 250 euros.\n\n" +
	"Emergencies. Call 0800 555 0199 outside opening hours; two emergency slots are kept free every day."

func TestSplitHonoursSizeAndOverlap(t *testing.T) {
	for _, strategy := range []string{knowledge.StrategyRecursive, knowledge.StrategyParagraph, knowledge.StrategySentence, knowledge.StrategyFixed} {
		for _, c := range []knowledge.Chunking{{Size: 100, Overlap: 0}, {Size: 100, Overlap: 30}, {Size: 60, Overlap: 20}, {Size: 1000, Overlap: 200}} {
			c.Strategy = strategy
			chunks, err := knowledge.Split(guide, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range chunks {
				if n := utf8.RuneCountInString(ch); n > c.Size {
					t.Errorf("%+v: chunk of %d > %d characters: %q", c, n, c.Size, ch)
				}
			}
			// every word of the text is in some chunk, in order
			joined := strings.Join(chunks, " ")
			for _, w := range strings.Fields(guide) {
				if !strings.Contains(joined, w) {
					t.Errorf("%+v: %q lost", c, w)
				}
			}
			if c.Size >= len(guide) && len(chunks) != 1 {
				t.Errorf("%+v: %d chunks of a text that fits one", c, len(chunks))
			}
			if c.Overlap > 0 && len(chunks) > 1 {
				shared := false
				for i := 1; i < len(chunks); i++ {
					prev := chunks[i-1]
					tail := prev[max(0, len(prev)-c.Overlap):]
					for _, w := range strings.Fields(tail) {
						if len(w) > 3 && strings.Contains(chunks[i], w) {
							shared = true
						}
					}
				}
				if !shared {
					t.Errorf("%+v: no neighbours overlap: %q", c, chunks)
				}
			}
		}
	}
}

func TestSplitStrategiesPreferTheirBoundaries(t *testing.T) {
	para, _ := knowledge.Split(guide, knowledge.Chunking{Strategy: knowledge.StrategyParagraph, Size: 150, Overlap: 0})
	for _, p := range para {
		if !strings.HasSuffix(p, ".") {
			t.Errorf("paragraph chunk cut mid-paragraph: %q", p)
		}
	}
	fixed, _ := knowledge.Split(strings.Repeat("abcdefghij", 10), knowledge.Chunking{Strategy: knowledge.StrategyFixed, Size: 30, Overlap: 10})
	if len(fixed) != 5 || fixed[0] != "abcdefghijabcdefghijabcdefghij" || fixed[1][:10] != "abcdefghij" {
		t.Errorf("fixed windows: %q", fixed)
	}
	// sentences are packed across paragraphs; the recursive strategy
	// keeps paragraphs apart where they fit
	sent, _ := knowledge.Split(guide, knowledge.Chunking{Strategy: knowledge.StrategySentence, Size: 80, Overlap: 0})
	rec, _ := knowledge.Split(guide, knowledge.Chunking{Strategy: knowledge.StrategyRecursive, Size: 80, Overlap: 0})
	across := func(chunks []string) bool {
		for _, c := range chunks {
			if strings.Contains(c, "\n\n") {
				return true
			}
		}
		return false
	}
	if !across(sent) || across(rec) {
		t.Errorf("sentence chunks %q\nrecursive chunks %q", sent, rec)
	}
}

func TestSplitRefusesBadSettings(t *testing.T) {
	for _, c := range []knowledge.Chunking{{Strategy: "semantic", Size: 100}, {Strategy: "recursive", Size: 100, Overlap: 100}, {Strategy: "recursive"}} {
		if _, err := knowledge.Split(guide, c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add(guide, 100, 20, 0)
	f.Add("ümlaut ünïcödé text\n\nwith paragraphs. And sentences! Really?", 10, 3, 3)
	f.Fuzz(func(t *testing.T, text string, size, overlap, s int) {
		strategies := []string{knowledge.StrategyRecursive, knowledge.StrategyParagraph, knowledge.StrategySentence, knowledge.StrategyFixed}
		if size < 1 || size > 500 || overlap < 0 || overlap >= size || !utf8.ValidString(text) {
			return
		}
		c := knowledge.Chunking{Strategy: strategies[(s%4+4)%4], Size: size, Overlap: overlap}
		chunks, err := knowledge.Split(text, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range chunks {
			if utf8.RuneCountInString(ch) > size || strings.TrimSpace(ch) == "" {
				t.Fatalf("chunk %q breaks %+v", ch, c)
			}
		}
	})
}
