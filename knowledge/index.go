package knowledge

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/switchboard-voice/switchboard/persistence"
)

// Hit is a chunk found for a query, with its cosine similarity.
type Hit struct {
	DocumentID int64
	Document   string // the document's name
	Chunk      int
	Content    string
	Score      float32
}

// Index is an assistant's chunks in memory, searched by cosine
// similarity. Vectors are kept unit length in one flat slice. Past
// exactLimit multiply-adds an exact scan no longer fits a turn's budget,
// so a search first ranks every chunk by the Hamming distance of the
// vectors' sign bits (a few popcounts per chunk) and scores exactly only
// the best candidates (oversample per hit wanted). An Index is immutable
// and safe for concurrent use.
type Index struct {
	dims   int
	words  int       // uint64s of sign bits per vector
	vecs   []float32 // len(chunks) * dims
	signs  []uint64  // len(chunks) * words
	chunks []chunkInfo
	at     map[chunkKey]int // a chunk's position, for its text rank
}

type chunkKey struct {
	doc   int64
	index int
}

// textWeight is what the best full-text rank adds to a chunk's cosine
// (the others in proportion): the fusion that measured best on the
// labelled questions (BENCHMARKS.md).
const textWeight = 0.5

type chunkInfo struct {
	doc     int64
	name    string
	index   int
	content string
}

// Search tuning: an exact scan up to exactLimit multiply-adds (about half
// a millisecond), else oversample candidates per hit wanted, at least
// minCandidates, ranked by sign bits then scored exactly.
const (
	exactLimit    = 1 << 20
	oversample    = 48
	minCandidates = 256
)

// NewIndex builds an index of chunks (embeddings as little-endian
// float32s, all of one dimension).
func NewIndex(chunks []persistence.KnowledgeChunk) (*Index, error) {
	x := &Index{chunks: make([]chunkInfo, 0, len(chunks)), at: make(map[chunkKey]int, len(chunks))}
	for i, c := range chunks {
		if len(c.Embedding) == 0 || len(c.Embedding)%4 != 0 {
			return nil, fmt.Errorf("knowledge: chunk %d of document %d: embedding of %d bytes", c.Index, c.DocumentID, len(c.Embedding))
		}
		d := len(c.Embedding) / 4
		if i == 0 {
			x.dims, x.words = d, (d+63)/64
			x.vecs = make([]float32, 0, len(chunks)*d)
			x.signs = make([]uint64, 0, len(chunks)*x.words)
		}
		if d != x.dims {
			return nil, fmt.Errorf("knowledge: chunk %d of document %d: %d dimensions, others %d", c.Index, c.DocumentID, d, x.dims)
		}
		start := len(x.vecs)
		for j := range d {
			x.vecs = append(x.vecs, math.Float32frombits(binary.LittleEndian.Uint32(c.Embedding[4*j:])))
		}
		unit(x.vecs[start:])
		x.signs = append(x.signs, signBits(x.vecs[start:], x.words)...)
		x.chunks = append(x.chunks, chunkInfo{doc: c.DocumentID, name: c.DocumentName, index: c.Index, content: c.Content})
		x.at[chunkKey{c.DocumentID, c.Index}] = i
	}
	return x, nil
}

// Len is the number of chunks.
func (x *Index) Len() int { return len(x.chunks) }

// Dims is the vectors' dimension (0 for an empty index).
func (x *Index) Dims() int { return x.dims }

// Bytes is the memory the vectors and sign bits take.
func (x *Index) Bytes() int { return 4*len(x.vecs) + 8*len(x.signs) }

// Search returns up to k chunks whose similarity to q is at least
// threshold, best first. A query of another dimension finds nothing.
func (x *Index) Search(q []float32, k int, threshold float32) []Hit {
	return x.fused(q, nil, k, threshold, x.candidates(k))
}

// candidates is how many chunks a search for k scores exactly.
func (x *Index) candidates(k int) int {
	if n := len(x.chunks); n*x.dims <= exactLimit {
		return n
	}
	return max(oversample*k, minCandidates)
}

// SearchText is Search with the chunks' full-text ranks for the query
// (persistence.TextRanks) combined: a chunk at least threshold similar
// scores its cosine plus textWeight times its rank over the best rank,
// and chunks matched by text are scored even when the sign bits would
// not have picked them. Score is that combined score.
func (x *Index) SearchText(q []float32, ranks []persistence.TextRank, k int, threshold float32) []Hit {
	cands := x.candidates(k)
	best := float32(0)
	for _, r := range ranks {
		best = max(best, r.Rank)
	}
	if best <= 0 {
		return x.fused(q, nil, k, threshold, cands)
	}
	text := make(map[int]float32, len(ranks))
	for _, r := range ranks {
		if i, ok := x.at[chunkKey{r.DocumentID, r.Index}]; ok {
			text[i] = textWeight * r.Rank / best
		}
	}
	return x.fused(q, text, k, threshold, cands)
}

// fused scores cands chunks exactly (every chunk when cands is the
// index's length, else those nearest by sign bits), and the chunks text
// ranks, adding their text score to their cosine.
func (x *Index) fused(q []float32, text map[int]float32, k int, threshold float32, cands int) []Hit {
	if len(x.chunks) == 0 || len(q) != x.dims || k <= 0 {
		return nil
	}
	q = slices.Clone(q)
	unit(q)
	n := len(x.chunks)
	top := newTopK(k)
	offer := func(i int) {
		cos := dot(q, x.vecs[i*x.dims:(i+1)*x.dims])
		if cos >= threshold {
			top.offer(i, cos+text[i])
		}
	}
	if cands >= n {
		for i := range n {
			offer(i)
		}
	} else {
		near := x.nearestSigns(signBits(q, x.words), cands)
		for _, i := range near {
			offer(i)
		}
		for i := range text {
			if !slices.Contains(near, i) {
				offer(i)
			}
		}
	}
	out := make([]Hit, 0, k)
	for _, e := range top.list {
		c := x.chunks[e.i]
		out = append(out, Hit{DocumentID: c.doc, Document: c.name, Chunk: c.index, Content: c.content, Score: e.score})
	}
	return out
}

// nearestSigns returns the m chunks whose sign bits differ least from qs.
func (x *Index) nearestSigns(qs []uint64, m int) []int {
	// a counting pass over distances (0..dims) keeps this linear
	dist := make([]uint16, len(x.chunks))
	hist := make([]int, x.words*64+1)
	for i := range x.chunks {
		s := x.signs[i*x.words : (i+1)*x.words]
		d := 0
		for w, v := range s {
			d += bits.OnesCount64(v ^ qs[w])
		}
		dist[i] = uint16(d)
		hist[d]++
	}
	cut, seen := 0, 0
	for cut < len(hist) && seen+hist[cut] < m {
		seen += hist[cut]
		cut++
	}
	out := make([]int, 0, m)
	room := m - seen // how many at distance cut may join
	for i, d := range dist {
		switch {
		case int(d) < cut:
			out = append(out, i)
		case int(d) == cut && room > 0:
			out = append(out, i)
			room--
		}
	}
	return out
}

// signBits packs the signs of v (1 for a positive component).
func signBits(v []float32, words int) []uint64 {
	out := make([]uint64, words)
	for i, f := range v {
		if f > 0 {
			out[i/64] |= 1 << (i % 64)
		}
	}
	return out
}

// unit scales v to length 1 (a zero vector stays zero).
func unit(v []float32) {
	var s float64
	for _, f := range v {
		s += float64(f) * float64(f)
	}
	if s == 0 {
		return
	}
	n := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= n
	}
}

// dot is the inner product of two vectors of one length, four sums at a
// time so the additions pipeline.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// topK keeps the k best scores seen.
type topK struct {
	k    int
	list []scored // best first
}

type scored struct {
	i     int
	score float32
}

func newTopK(k int) topK { return topK{k: k, list: make([]scored, 0, k+1)} }

func (t *topK) offer(i int, s float32) {
	if len(t.list) == t.k && s <= t.list[len(t.list)-1].score {
		return
	}
	at := len(t.list)
	for at > 0 && t.list[at-1].score < s {
		at--
	}
	t.list = slices.Insert(t.list, at, scored{i, s})
	if len(t.list) > t.k {
		t.list = t.list[:t.k]
	}
}

// EncodeVector is v as the documents store keeps it.
func EncodeVector(v []float32) []byte {
	out := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(f))
	}
	return out
}
