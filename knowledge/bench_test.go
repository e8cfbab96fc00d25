package knowledge

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers/embeddings"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
)

// benchDims is text-embedding-3-small's dimension.
const benchDims = 1536

// randomChunks are n chunks of random unit vectors (dense, like a real
// model's), each with a 300-character text.
func randomChunks(n int) ([]persistence.KnowledgeChunk, [][]float32) {
	r := rand.New(rand.NewPCG(uint64(n), 2))
	chunks := make([]persistence.KnowledgeChunk, n)
	vecs := make([][]float32, n)
	text := string(slices.Repeat([]byte("x"), 300))
	for i := range chunks {
		v := make([]float32, benchDims)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		unit(v)
		vecs[i] = v
		chunks[i] = persistence.KnowledgeChunk{DocumentID: int64(i / 100), DocumentName: "doc", Index: i % 100, Content: text,
			Embedding: EncodeVector(v)}
	}
	return chunks, vecs
}

// near is a query near v: v plus noise, about 0.8 cosine.
func near(r *rand.Rand, v []float32) []float32 {
	q := make([]float32, len(v))
	for j := range v {
		q[j] = v[j] + float32(r.NormFloat64())*0.75/float32(math.Sqrt(benchDims))
	}
	return q
}

// percentiles reports the p50 and p99 of samples as metrics named
// prefix-p50-µs and prefix-p99-µs.
func percentiles(b *testing.B, prefix string, samples []time.Duration) {
	slices.Sort(samples)
	if len(samples) == 0 {
		return
	}
	at := func(p float64) float64 {
		return float64(samples[min(len(samples)-1, int(p*float64(len(samples))))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), prefix+"-p50-µs")
	b.ReportMetric(at(0.99), prefix+"-p99-µs")
}

// threadCPU is the CPU time of the calling OS thread: unlike the wall
// clock it does not count the time a loaded machine keeps it waiting.
func threadCPU() time.Duration {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return time.Duration(ts.Nano())
}

// BenchmarkSearch is one search of an assistant's in-memory index (the
// query already embedded): the index as calls use it (an exact scan up to
// exactLimit, the sign-bit prefilter past it), and an exact scan of every
// chunk for comparison. recall@3 is how often the chunk the query was
// made from is in the top 3.
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		chunks, vecs := randomChunks(n)
		idx, err := NewIndex(chunks)
		if err != nil {
			b.Fatal(err)
		}
		// the vectors and sign bits; the chunks' texts are on top (their size)
		mib := float64(idx.Bytes()) / (1 << 20)
		for _, mode := range []string{"index", "exact"} {
			b.Run(fmt.Sprintf("chunks=%d/%s", n, mode), func(b *testing.B) {
				r := rand.New(rand.NewPCG(9, 9))
				cands := n
				if mode == "index" && n*benchDims > exactLimit {
					cands = max(oversample*3, minCandidates)
				}
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				var wall, cpu []time.Duration
				found := 0
				for i := 0; b.Loop(); i++ {
					target := r.IntN(n)
					q := near(r, vecs[target])
					start, startCPU := time.Now(), threadCPU()
					hits := idx.fused(q, nil, 3, 0, cands)
					cpu = append(cpu, threadCPU()-startCPU)
					wall = append(wall, time.Since(start))
					for _, h := range hits {
						if int(h.DocumentID)*100+h.Chunk == target {
							found++
						}
					}
				}
				percentiles(b, "wall", wall)
				percentiles(b, "cpu", cpu)
				b.ReportMetric(float64(found)/float64(len(wall)), "recall@3")
				b.ReportMetric(mib, "index-MiB")
			})
		}
	}
}

type memChunks struct {
	chunks []persistence.KnowledgeChunk
}

func (m memChunks) LoadKnowledge(context.Context, persistence.KnowledgeSource, string) ([]persistence.KnowledgeChunk, error) {
	return m.chunks, nil
}
func (m memChunks) KnowledgeVersion(context.Context, persistence.KnowledgeSource) (string, int64, error) {
	return "1", 1, nil
}

// TextRanks ranks no chunk: the benchmarks' random chunks have no words,
// and PostgreSQL's query runs beside the embedding.
func (m memChunks) TextRanks(context.Context, persistence.KnowledgeSource, string, string, int) ([]persistence.TextRank, error) {
	return nil, nil
}

type fakeEmbedders struct{ c *embeddings.Client }

func (f fakeEmbedders) Embedder(context.Context, int64, assistant.Config) (embeddings.Embedder, error) {
	return f.c, nil
}

// BenchmarkRetrievalTurn is what retrieval adds to a turn in prompt
// mode: the caller's words embedded by the embeddings fake over loopback
// HTTP at a given latency, then the search of a warm index of 10,000
// chunks. overhead-µs is that time less the fake's latency.
func BenchmarkRetrievalTurn(b *testing.B) {
	chunks, _ := randomChunks(10_000)
	for _, latency := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run(fmt.Sprintf("embedding-latency=%s", latency), func(b *testing.B) {
			srv := httptest.NewServer(embeddingsfake.New(embeddingsfake.Options{Latency: latency}))
			defer srv.Close()
			c, err := embeddings.New(embeddings.Config{Model: "text-embedding-3-small", APIKey: "k", BaseURL: srv.URL + "/v1"})
			if err != nil {
				b.Fatal(err)
			}
			r := NewRetriever(RetrieverOptions{Chunks: memChunks{chunks}, Embedders: fakeEmbedders{c}})
			cfg := assistant.Defaults()
			cfg.RAGSettings.Enabled, cfg.RAGSettings.SimilarityThreshold = true, 0
			ctx := context.Background()
			if err := r.Warm(ctx, 1, 1, cfg.RAGSettings); err != nil {
				b.Fatal(err)
			}
			samples := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if _, err := r.Search(ctx, 1, 1, cfg, fmt.Sprintf("how much does a basic service cost, question %d", i)); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, time.Since(start)-latency)
			}
			percentiles(b, "overhead", samples)
		})
	}
}
