package knowledge_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
)

const dims = 1536

func chunksOf(t testing.TB, texts []string, doc string) []persistence.KnowledgeChunk {
	t.Helper()
	out := make([]persistence.KnowledgeChunk, len(texts))
	for i, s := range texts {
		out[i] = persistence.KnowledgeChunk{DocumentID: 1, DocumentName: doc, Index: i, Content: s,
			Embedding: knowledge.EncodeVector(embeddingsfake.Vector(s, dims))}
	}
	return out
}

func TestIndexFindsBestFirstAboveThreshold(t *testing.T) {
	texts := []string{"Opening hours: Monday to Friday 8 am to 6 pm.", "A check-up costs 45 euros.", "Parking behind the building."}
	idx, err := knowledge.NewIndex(chunksOf(t, texts, "guide.md"))
	if err != nil {
		t.Fatal(err)
	}
	hits := idx.Search(embeddingsfake.Vector("how much is a check-up", dims), 2, 0.1)
	if len(hits) == 0 || hits[0].Content != texts[1] || hits[0].Document != "guide.md" {
		t.Fatalf("hits %+v", hits)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Fatalf("not best first: %+v", hits)
		}
	}
	if hits := idx.Search(embeddingsfake.Vector("how much is a check-up", dims), 3, 0.99); len(hits) != 0 {
		t.Fatalf("threshold ignored: %+v", hits)
	}
	if hits := idx.Search(make([]float32, 12), 3, 0); hits != nil {
		t.Fatalf("a query of another dimension found %+v", hits)
	}
	bad := chunksOf(t, texts, "x")
	bad[1].Embedding = bad[1].Embedding[:40]
	if _, err := knowledge.NewIndex(bad); err == nil {
		t.Fatal("mixed dimensions accepted")
	}
}

// synthetic makes n chunks of random words from a vocabulary, so that
// the index is large enough for its sign-bit prefilter to run.
func synthetic(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	vocab := make([]string, 5000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", r.Uint32())
	}
	out := make([]string, n)
	for i := range out {
		words := make([]string, 40)
		for j := range words {
			words[j] = vocab[r.IntN(len(vocab))]
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

// TestPrefilterAgreesWithExactScan checks the two-stage search on an
// index past the exact limit against a full exact scan: every chunk the
// exact scan finds at a similarity a setting would use is found too, bar
// a few near the threshold (the prefilter is approximate: its recall is
// measured here and in BenchmarkRetrieval).
func TestPrefilterAgreesWithExactScan(t *testing.T) {
	texts := synthetic(2000, 7)
	vecs := make([][]float32, len(texts))
	for i, s := range texts {
		vecs[i] = embeddingsfake.Vector(s, dims)
	}
	idx, err := knowledge.NewIndex(chunksOf(t, texts, "s"))
	if err != nil {
		t.Fatal(err)
	}
	const threshold = 0.2
	found, want := 0, 0
	for q := range 50 {
		// a fragment of one chunk and a few words of two others
		a, b, c := strings.Fields(texts[q*37]), strings.Fields(texts[q*37+1]), strings.Fields(texts[q*37+2])
		query := strings.Join(append(append(a[:8:8], b[:4]...), c[:3]...), " ")
		qv := embeddingsfake.Vector(query, dims)
		got := map[int]bool{}
		for _, h := range idx.Search(qv, 3, threshold) {
			got[h.Chunk] = true
		}
		for _, w := range exact(vecs, qv, 3, threshold) {
			want++
			if got[w] {
				found++
			} else {
				t.Logf("query %d: chunk %d (exact top 3 above %.1f) missed; found %v", q, w, threshold, got)
			}
		}
	}
	t.Logf("the prefiltered search found %d of the exact scan's %d hits", found, want)
	if found*100 < want*97 {
		t.Errorf("prefilter recall %d/%d below 97%%", found, want)
	}
}

func exact(vecs [][]float32, q []float32, k int, threshold float64) []int {
	type s struct {
		i int
		v float64
	}
	var all []s
	for i, v := range vecs {
		var d float64
		for j := range v {
			d += float64(v[j]) * float64(q[j])
		}
		all = append(all, s{i, d})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v })
	var out []int
	for _, e := range all[:k] {
		if e.v >= threshold {
			out = append(out, e.i)
		}
	}
	return out
}

// labelled is the bundled document's question set: each question and the
// section of the document that answers it.
type labelled struct {
	Q       string `json:"q"`
	Section string `json:"section"`
}

// recall chunks the bundled document and measures how often a chunk of
// the right section is the top hit (at1) and among the top 3 (at3) for
// each labelled question; chunks is how many the document made.
func recall(t testing.TB, c knowledge.Chunking) (at1, at3, total, chunks int) {
	t.Helper()
	doc, err := os.ReadFile("../demo/bike-shop.md")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/questions.json")
	if err != nil {
		t.Fatal(err)
	}
	var qs []labelled
	if err := json.Unmarshal(raw, &qs); err != nil {
		t.Fatal(err)
	}
	text, err := knowledge.Extract(knowledge.TypeMarkdown, doc)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := knowledge.Split(text.Text, c)
	if err != nil {
		t.Fatal(err)
	}
	// a chunk belongs to the sections whose text it holds
	sections := map[string]string{}
	for _, s := range strings.Split(text.Text, "## ")[1:] {
		head, body, _ := strings.Cut(s, "\n")
		sections[head] = strings.TrimSpace(body)
	}
	idx, err := knowledge.NewIndex(chunksOf(t, parts, "bike-shop.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		body, ok := sections[q.Section]
		if !ok {
			t.Fatalf("no section %q", q.Section)
		}
		found := false
		for i, h := range idx.Search(embeddingsfake.Vector(q.Q, dims), 3, 0) {
			if fromSection(h.Content, body) {
				found = true
				if i == 0 {
					at1++
				}
			}
		}
		if found {
			at3++
		} else {
			t.Logf("missed: %q (%s)", q.Q, q.Section)
		}
	}
	return at1, at3, len(qs), len(parts)
}

// fromSection tells whether a chunk holds a sentence of a section's body
// (its first 40 characters, so that a chunk cut mid-sentence counts).
func fromSection(chunk, body string) bool {
	for _, s := range strings.SplitAfter(body, ". ") {
		s = strings.TrimSpace(s)
		if len(s) > 40 {
			s = s[:40]
		}
		if len(s) > 10 && strings.Contains(chunk, s) {
			return true
		}
	}
	return false
}

func TestRetrievalQualityOnTheBundledDocument(t *testing.T) {
	for _, c := range []knowledge.Chunking{
		{Strategy: knowledge.StrategyRecursive, Size: 1000, Overlap: 200}, // the defaults
		{Strategy: knowledge.StrategyRecursive, Size: 300, Overlap: 50},
		{Strategy: knowledge.StrategyRecursive, Size: 500, Overlap: 100},
		{Strategy: knowledge.StrategyParagraph, Size: 300, Overlap: 0},
		{Strategy: knowledge.StrategySentence, Size: 150, Overlap: 30},
	} {
		at1, at3, total, chunks := recall(t, c)
		t.Logf("%s %d/%d (%d chunks): recall@1 %d/%d, recall@3 %d/%d", c.Strategy, c.Size, c.Overlap, chunks, at1, total, at3, total)
		if at3*100 < total*80 {
			t.Errorf("%+v: recall@3 %d/%d below 80%%", c, at3, total)
		}
	}
}

// A chunk's full-text rank adds to its cosine, best rank 0.5: on an index
// past the exact limit, a text-matched chunk the sign bits would skip is
// scored and ranked by the sum, but never when it is less similar than
// the threshold.
func TestTextRanksJoinTheCosine(t *testing.T) {
	texts := synthetic(2000, 9)
	idx, err := knowledge.NewIndex(chunksOf(t, texts, "s"))
	if err != nil {
		t.Fatal(err)
	}
	q := embeddingsfake.Vector(texts[0], dims)
	far, farCos := -1, float32(2)
	for i, s := range texts {
		if c := cosine(q, embeddingsfake.Vector(s, dims)); c < farCos {
			far, farCos = i, c
		}
	}
	for _, h := range idx.Search(q, 3, -1) {
		if h.Chunk == far {
			t.Fatalf("the least similar chunk found without text: %+v", h)
		}
	}
	ranks := []persistence.TextRank{{DocumentID: 1, Index: far, Rank: 0.8}, {DocumentID: 1, Index: 0, Rank: 0.2}}
	hits := idx.SearchText(q, ranks, 3, -1)
	if len(hits) != 3 || hits[0].Chunk != 0 || hits[1].Chunk != far {
		t.Fatalf("hits %+v, want chunk 0 then %d", hits, far)
	}
	if d := hits[0].Score - (1 + 0.5*0.2/0.8); d > 1e-3 || d < -1e-3 {
		t.Errorf("chunk 0 scored %v", hits[0].Score)
	}
	if d := hits[1].Score - (farCos + 0.5); d > 1e-3 || d < -1e-3 {
		t.Errorf("chunk %d scored %v, cosine %v", far, hits[1].Score, farCos)
	}
	for _, h := range idx.SearchText(q, ranks, 3, farCos+0.01) {
		if h.Chunk == far {
			t.Fatalf("a chunk below the threshold found by its text: %+v", h)
		}
	}
}

func cosine(a, b []float32) float32 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return float32(d / math.Sqrt(na*nb))
}
