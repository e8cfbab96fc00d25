package knowledge

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers/embeddings"
)

// Chunks is where the durable copy of the chunks lives: *persistence.Store.
type Chunks interface {
	LoadKnowledge(ctx context.Context, src persistence.KnowledgeSource, model string) ([]persistence.KnowledgeChunk, error)
	KnowledgeVersion(ctx context.Context, src persistence.KnowledgeSource) (version string, base int64, err error)
	TextRanks(ctx context.Context, src persistence.KnowledgeSource, model, query string, limit int) ([]persistence.TextRank, error)
}

// maxTextRanks bounds the chunks a query's full-text ranking returns.
const maxTextRanks = 64

// Embedders give the embedder of an assistant's configuration
// (*providers.Set).
type Embedders interface {
	Embedder(ctx context.Context, orgID int64, cfg assistant.Config) (embeddings.Embedder, error)
}

// RetrieverOptions configure a Retriever.
type RetrieverOptions struct {
	Chunks    Chunks
	Embedders Embedders
	Clock     clock.Clock // nil: the real clock
	Log       *slog.Logger
	// TextWait is how long a search waits for the full-text ranks once
	// the query is embedded and the index ready (the ranking started with
	// the embedding); past it the cosine ranks alone. 10 ms when zero.
	TextWait time.Duration
	// Recheck is how old an index may be before a search has its version
	// checked in the background (another node may have changed the
	// documents); 10 s when zero. This node's own changes invalidate it
	// at once.
	Recheck time.Duration
}

// Retriever finds the chunks of an assistant's knowledge base for a
// query: the base rag_settings.knowledge_base_id attaches, else the
// assistant's own. It keeps one index per source and embedding model in
// memory, loaded on first use (or by Warm when a call starts), shared by
// every call searching that source, dropped when its documents change. It
// is safe for concurrent use.
type Retriever struct {
	opt   RetrieverOptions
	load  singleflight.Group
	mu    sync.Mutex
	cache map[indexKey]*cached
	gen   uint64 // bumped by Invalidate
}

type indexKey struct {
	src   persistence.KnowledgeSource
	model string
}

type cached struct {
	idx      *Index
	version  string
	base     int64 // the base the source named when loaded; 0: none
	checked  time.Time
	checking bool
}

// Source is the knowledge base an assistant's calls search.
func Source(orgID, assistantID int64, rs assistant.RAGSettings) persistence.KnowledgeSource {
	if rs.KnowledgeBaseID != nil {
		return persistence.KnowledgeSource{OrganizationID: orgID, KnowledgeBaseID: *rs.KnowledgeBaseID}
	}
	return persistence.KnowledgeSource{OrganizationID: orgID, AssistantID: assistantID}
}

// NewRetriever returns a retriever.
func NewRetriever(o RetrieverOptions) *Retriever {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Recheck <= 0 {
		o.Recheck = 10 * time.Second
	}
	if o.TextWait <= 0 {
		o.TextWait = 10 * time.Millisecond
	}
	return &Retriever{opt: o, cache: map[indexKey]*cached{}}
}

// Invalidate drops the indexes of a knowledge base: its documents
// changed, or it was deleted. owner is the assistant whose own base it is
// (0: none), whose indexes go too: they may have been loaded before the
// base existed.
func (r *Retriever) Invalidate(baseID, owner int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	for k, c := range r.cache {
		if c.base == baseID || k.src.KnowledgeBaseID == baseID || (owner != 0 && k.src.AssistantID == owner) {
			delete(r.cache, k)
		}
	}
}

// Warm loads an assistant's index if it is not loaded, so that the
// first search of a call finds it ready.
func (r *Retriever) Warm(ctx context.Context, orgID, assistantID int64, cfg assistant.RAGSettings) error {
	_, err := r.index(ctx, indexKey{Source(orgID, assistantID, cfg), cfg.EmbeddingModel})
	return err
}

// Search finds up to rag_settings.search_limit chunks at least
// similarity_threshold similar to query, ranked by their similarity and
// their full-text rank for it. Embedding the query is the network step a
// turn waits for; the index (if it must load) and the full-text ranking
// (one indexed query to PostgreSQL) run beside it. Without text ranks
// (the database failed, or answered TextWait after the embedding) the
// similarity alone ranks.
func (r *Retriever) Search(ctx context.Context, orgID, assistantID int64, cfg assistant.Config, query string) ([]Hit, error) {
	rs := cfg.RAGSettings
	src := Source(orgID, assistantID, rs)
	type loaded struct {
		idx *Index
		err error
	}
	ch := make(chan loaded, 1)
	go func() {
		idx, err := r.index(ctx, indexKey{src, rs.EmbeddingModel})
		ch <- loaded{idx, err}
	}()
	type ranked struct {
		ranks []persistence.TextRank
		err   error
	}
	tch := make(chan ranked, 1)
	go func() {
		ranks, err := r.opt.Chunks.TextRanks(ctx, src, rs.EmbeddingModel, query, maxTextRanks)
		tch <- ranked{ranks, err}
	}()
	vec, err := r.embedQuery(ctx, orgID, cfg, query)
	l := <-ch
	switch {
	case l.err != nil:
		return nil, l.err
	case l.idx.Len() == 0:
		return nil, nil // no document yet: nothing to find, whatever the query
	case err != nil:
		return nil, err
	}
	late := make(chan struct{})
	timer := r.opt.Clock.AfterFunc(r.opt.TextWait, func() { close(late) })
	defer timer.Stop()
	var ranks []persistence.TextRank
	select {
	case t := <-tch:
		if t.err != nil && ctx.Err() == nil {
			r.opt.Log.Warn("knowledge searched without full-text ranks", "source", src, "err", t.err)
		}
		ranks = t.ranks
	case <-late:
		r.opt.Log.Debug("knowledge searched without full-text ranks: they came too late", "source", src)
	}
	return l.idx.SearchText(vec, ranks, rs.SearchLimit, float32(rs.SimilarityThreshold)), nil
}

func (r *Retriever) embedQuery(ctx context.Context, orgID int64, cfg assistant.Config, query string) ([]float32, error) {
	emb, err := r.opt.Embedders.Embedder(ctx, orgID, cfg)
	if err != nil {
		return nil, err
	}
	vecs, err := emb.Embed(ctx, []string{query})
	if err != nil {
		return nil, fmt.Errorf("knowledge: embedding the query: %w", err)
	}
	return vecs[0], nil
}

// index returns the assistant's index for a model, loading it once for
// every caller waiting; an index older than Recheck is served while its
// version is checked in the background.
func (r *Retriever) index(ctx context.Context, k indexKey) (*Index, error) {
	now := r.opt.Clock.Now()
	r.mu.Lock()
	c, ok := r.cache[k]
	if ok && !c.checking && now.Sub(c.checked) >= r.opt.Recheck {
		c.checking = true
		go r.recheck(k, c)
	}
	r.mu.Unlock()
	if ok {
		return c.idx, nil
	}
	v, err, _ := r.load.Do(fmt.Sprintf("%+v/%s", k.src, k.model), func() (any, error) {
		// loaded for every waiter: one caller's cancellation must not fail the rest
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return r.build(lctx, k)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Index), nil
}

// build loads an index and caches it, unless some documents changed
// while it loaded.
func (r *Retriever) build(ctx context.Context, k indexKey) (*Index, error) {
	r.mu.Lock()
	gen := r.gen
	r.mu.Unlock()
	version, base, err := r.opt.Chunks.KnowledgeVersion(ctx, k.src)
	if err != nil {
		return nil, err
	}
	chunks, err := r.opt.Chunks.LoadKnowledge(ctx, k.src, k.model)
	if err != nil {
		return nil, err
	}
	idx, err := NewIndex(chunks)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.gen == gen {
		r.cache[k] = &cached{idx: idx, version: version, base: base, checked: r.opt.Clock.Now()}
	}
	r.mu.Unlock()
	return idx, nil
}

// recheck compares a cached index's version with the database's and
// drops the index if another node changed the documents.
func (r *Retriever) recheck(k indexKey, c *cached) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, _, err := r.opt.Chunks.KnowledgeVersion(ctx, k.src)
	r.mu.Lock()
	defer r.mu.Unlock()
	c.checking = false
	if err != nil {
		r.opt.Log.Warn("knowledge index not rechecked", "source", k.src, "err", err)
		return
	}
	c.checked = r.opt.Clock.Now()
	if v != c.version && r.cache[k] == c {
		delete(r.cache, k)
	}
}
