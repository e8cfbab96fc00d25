package knowledge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
)

// BenchmarkHybridRecall measures whether full-text ranking combined with
// the vectors' cosine finds the labelled questions' sections better than
// the cosine alone (the issue's "only if it measurably improves
// retrieval"). For each chunking it reports recall@1 and recall@3 of:
// the cosine (what calls run), PostgreSQL's ts_rank_cd over
// to_tsvector('english') with the question's lexemes OR-ed, an in-memory
// BM25 (k1 1.2, b 0.75), and fusions of the cosine with each: the cosine
// plus w times the full-text score scaled to the best chunk's, and
// reciprocal rank fusion (k 60).
func BenchmarkHybridRecall(b *testing.B) {
	ctx := context.Background()
	pool, err := persistence.Open(ctx, pgtest.DSN(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	doc, err := os.ReadFile("../demo/bike-shop.md")
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/questions.json")
	if err != nil {
		b.Fatal(err)
	}
	var qs []labelled
	if err := json.Unmarshal(raw, &qs); err != nil {
		b.Fatal(err)
	}
	text, err := knowledge.Extract(knowledge.TypeMarkdown, doc)
	if err != nil {
		b.Fatal(err)
	}
	sections := map[string]string{}
	for _, s := range strings.Split(text.Text, "## ")[1:] {
		head, body, _ := strings.Cut(s, "\n")
		sections[head] = strings.TrimSpace(body)
	}
	for _, c := range []knowledge.Chunking{
		{Strategy: knowledge.StrategyRecursive, Size: 1000, Overlap: 200},
		{Strategy: knowledge.StrategyRecursive, Size: 500, Overlap: 100},
		{Strategy: knowledge.StrategyRecursive, Size: 300, Overlap: 50},
		{Strategy: knowledge.StrategyParagraph, Size: 300, Overlap: 0},
		{Strategy: knowledge.StrategySentence, Size: 150, Overlap: 30},
	} {
		b.Run(fmt.Sprintf("%s-%d-%d", c.Strategy, c.Size, c.Overlap), func(b *testing.B) {
			parts, err := knowledge.Split(text.Text, c)
			if err != nil {
				b.Fatal(err)
			}
			vecs := make([][]float32, len(parts))
			for i, p := range parts {
				vecs[i] = embeddingsfake.Vector(p, dims)
			}
			bm := newBM25(parts)
			methods := map[string]func(q string, cos, ts, bm []float64) []float64{
				"cosine":   func(_ string, cos, _, _ []float64) []float64 { return cos },
				"ts_rank":  func(_ string, _, ts, _ []float64) []float64 { return ts },
				"bm25":     func(_ string, _, _, bm []float64) []float64 { return bm },
				"cos+ts":   func(_ string, cos, ts, _ []float64) []float64 { return fuse(cos, ts, 0.5) },
				"cos+bm25": func(_ string, cos, _, bm []float64) []float64 { return fuse(cos, bm, 0.5) },
				"rrf-ts":   func(_ string, cos, ts, _ []float64) []float64 { return rrf(cos, ts) },
				"rrf-bm25": func(_ string, cos, _, bm []float64) []float64 { return rrf(cos, bm) },
			}
			at1, at3 := map[string]int{}, map[string]int{}
			for b.Loop() {
				clear(at1)
				clear(at3)
				for _, q := range qs {
					qv := embeddingsfake.Vector(q.Q, dims)
					cos := make([]float64, len(parts))
					for i, v := range vecs {
						cos[i] = dot(qv, v)
					}
					ts := tsRanks(b, pool, parts, q.Q)
					bms := bm.scores(q.Q)
					for name, m := range methods {
						for rank, i := range top(m(q.Q, cos, ts, bms), 3) {
							if fromSection(parts[i], sections[q.Section]) {
								at3[name]++
								if rank == 0 {
									at1[name]++
								}
								break
							}
						}
					}
				}
			}
			for name := range methods {
				b.ReportMetric(float64(at1[name]), name+"-recall@1/16")
				b.ReportMetric(float64(at3[name]), name+"-recall@3/16")
			}
		})
	}
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// top is the indexes of the k best scores, best first.
func top(scores []float64, k int) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	return idx[:min(k, len(idx))]
}

// fuse is cos + w·ft/max(ft).
func fuse(cos, ft []float64, w float64) []float64 {
	best := 0.0
	for _, s := range ft {
		best = max(best, s)
	}
	out := make([]float64, len(cos))
	for i := range cos {
		out[i] = cos[i]
		if best > 0 {
			out[i] += w * ft[i] / best
		}
	}
	return out
}

// rrf is reciprocal rank fusion: Σ 1/(60 + rank).
func rrf(lists ...[]float64) []float64 {
	out := make([]float64, len(lists[0]))
	for _, l := range lists {
		for rank, i := range top(l, len(l)) {
			out[i] += 1 / float64(60+rank+1)
		}
	}
	return out
}

// tsRanks is PostgreSQL's ts_rank_cd of each chunk for the question's
// lexemes, any of them (plainto_tsquery would AND them, which matches
// almost no chunk for a spoken question).
func tsRanks(b *testing.B, pool *pgxpool.Pool, parts []string, q string) []float64 {
	b.Helper()
	var out []float64
	// the query persistence.TextRanks runs, over the chunks' texts
	err := pool.QueryRow(context.Background(), `
		SELECT coalesce(array_agg(coalesce(ts_rank_cd(to_tsvector('english', c), (SELECT string_agg(quote_literal(l), ' | ')
			FROM unnest(tsvector_to_array(to_tsvector('english', $2))) AS l)::tsquery), 0) ORDER BY n), '{}')
		FROM unnest($1::text[]) WITH ORDINALITY AS t(c, n)`, parts, q).Scan(&out)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// bm25 scores chunks for a query's words (lower-cased letters and
// digits, the embeddings fake's stop words kept: BM25's idf discounts
// them).
type bm25 struct {
	docs  []map[string]int
	lens  []float64
	avg   float64
	df    map[string]int
	k1, b float64
}

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

func newBM25(parts []string) *bm25 {
	m := &bm25{df: map[string]int{}, k1: 1.2, b: 0.75}
	for _, p := range parts {
		tf := map[string]int{}
		ws := words(p)
		for _, w := range ws {
			tf[w]++
		}
		for w := range tf {
			m.df[w]++
		}
		m.docs = append(m.docs, tf)
		m.lens = append(m.lens, float64(len(ws)))
		m.avg += float64(len(ws))
	}
	m.avg /= float64(len(parts))
	return m
}

func (m *bm25) scores(q string) []float64 {
	out := make([]float64, len(m.docs))
	n := float64(len(m.docs))
	for _, w := range words(q) {
		df := float64(m.df[w])
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for i, tf := range m.docs {
			f := float64(tf[w])
			out[i] += idf * f * (m.k1 + 1) / (f + m.k1*(1-m.b+m.b*m.lens[i]/m.avg))
		}
	}
	return out
}

// BenchmarkTextRanks is the full-text query a search runs beside the
// embedding (persistence.TextRanks) on a base of 10,000 chunks made of
// the guide's sentences shuffled: a pessimistic base where most chunks
// share a word with any question. Its latency is what a turn would wait
// for beyond the embedding, were the database slower than it.
func BenchmarkTextRanks(b *testing.B) {
	k := newKB(b)
	ctx := context.Background()
	guide, err := os.ReadFile("../demo/bike-shop.md")
	if err != nil {
		b.Fatal(err)
	}
	k.upload("bike-shop.md", guide)
	jobs, err := k.store.ClaimDocuments(ctx, k.clock.Now(), time.Minute, 1)
	if err != nil || len(jobs) != 1 {
		b.Fatalf("%v %v", jobs, err)
	}
	sentences := strings.SplitAfter(strings.ReplaceAll(string(guide), "\n", " "), ". ")
	r := rand.New(rand.NewPCG(3, 1))
	chunks := make([]persistence.Chunk, 10_000)
	for i := range chunks {
		var s strings.Builder
		for s.Len() < 300 {
			s.WriteString(sentences[r.IntN(len(sentences))])
		}
		chunks[i] = persistence.Chunk{Content: s.String(), Embedding: knowledge.EncodeVector([]float32{1})}
	}
	if err := k.store.FinishDocument(ctx, persistence.DocumentOutcome{ID: jobs[0].ID, Attempt: jobs[0].Attempt,
		Status: persistence.DocumentCompleted, Chunks: chunks, At: k.clock.Now()}); err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/questions.json")
	if err != nil {
		b.Fatal(err)
	}
	var qs []labelled
	if err := json.Unmarshal(raw, &qs); err != nil {
		b.Fatal(err)
	}
	src := persistence.KnowledgeSource{OrganizationID: k.org, AssistantID: k.asst}
	samples := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		ranks, err := k.store.TextRanks(ctx, src, k.cfg.RAGSettings.EmbeddingModel, qs[i%len(qs)].Q, 64)
		if err != nil || len(ranks) == 0 {
			b.Fatalf("%d ranks, %v", len(ranks), err)
		}
		samples = append(samples, time.Since(start))
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(samples[min(len(samples)-1, len(samples)*99/100)].Microseconds()), "p99-µs")
}
