package knowledge_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/knowledge/knowledgetest"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/providers"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
)

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

type configs struct {
	mu  sync.Mutex
	cfg map[int64]assistant.Config
}

func (c *configs) AssistantConfig(_ context.Context, _, id int64) (assistant.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cfg, ok := c.cfg[id]
	if !ok {
		return assistant.Config{}, knowledge.ErrNoAssistant
	}
	return cfg, nil
}

// kb is a database with an assistant, the embeddings fake and a provider
// Set pointed at it.
type kb struct {
	t       testing.TB
	store   *persistence.Store
	org     int64
	asst    int64
	base    int64 // the assistant's own knowledge base
	cfg     assistant.Config
	configs *configs
	fake    *embeddingsfake.Fake
	set     *providers.Set
	clock   *clock.Virtual

	mu      sync.Mutex
	changed []int64
}

func newKB(t testing.TB) *kb {
	t.Helper()
	ctx := context.Background()
	k := &kb{t: t, clock: clock.NewVirtual(t0)}
	pool, err := persistence.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	k.store = persistence.NewStore(pool)
	org, err := k.store.EnsureOrganization(ctx, "Org")
	if err != nil {
		t.Fatal(err)
	}
	k.org = org.ID
	k.cfg = assistant.Defaults()
	k.cfg.Name = "Receptionist"
	k.cfg.RAGSettings.Enabled = true
	k.cfg.RAGSettings.ChunkSize, k.cfg.RAGSettings.ChunkOverlap = 300, 50
	doc, _ := json.Marshal(k.cfg)
	k.asst, _ = k.store.NextAssistantID(ctx)
	if _, err := k.store.InsertAssistant(ctx, persistence.AssistantRow{ID: k.asst, OrganizationID: k.org, Name: k.cfg.Name,
		IsActive: true, Config: doc}); err != nil {
		t.Fatal(err)
	}
	base, err := k.store.AssistantKnowledgeBase(ctx, k.org, k.asst, k.cfg.Name, t0)
	if err != nil {
		t.Fatal(err)
	}
	k.base = base.ID
	k.configs = &configs{cfg: map[int64]assistant.Config{k.asst: k.cfg}}
	k.fake = embeddingsfake.New(embeddingsfake.Options{Key: "sk-test"})
	srv := httptest.NewServer(k.fake)
	t.Cleanup(srv.Close)
	env := map[string]string{"OPENAI_API_KEY": "sk-test", "SWITCHBOARD_OPENAI_BASE_URL": srv.URL + "/v1"}
	k.set = providers.New(providers.Config{Getenv: func(s string) string { return env[s] }})
	return k
}

func (k *kb) worker() *knowledge.Worker {
	return knowledge.NewWorker(knowledge.WorkerOptions{Queue: k.store, Configs: k.configs, Embedders: k.set, Clock: k.clock,
		Changed: func(id, _ int64) {
			k.mu.Lock()
			k.changed = append(k.changed, id)
			k.mu.Unlock()
		}, Backoff: backoff.Policy{Min: time.Minute, Max: time.Minute}})
}

func (k *kb) upload(name string, data []byte) persistence.Document {
	k.t.Helper()
	typ, err := knowledge.DetectType(name, "", data)
	if err != nil {
		k.t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	rs := k.cfg.RAGSettings
	d, err := k.store.InsertDocument(context.Background(), persistence.NewDocument{Document: persistence.Document{
		KnowledgeBaseID: k.base, OrganizationID: k.org, Name: name, OriginalFilename: name, ContentType: knowledge.ContentType(typ),
		DocumentType: typ, FileHash: hex.EncodeToString(sum[:]), ChunkingStrategy: rs.ChunkingStrategy, ChunkSize: rs.ChunkSize,
		ChunkOverlap: rs.ChunkOverlap, EmbeddingModel: rs.EmbeddingModel}, Content: data, Queue: true}, k.clock.Now())
	if err != nil {
		k.t.Fatal(err)
	}
	return d
}

func (k *kb) doc(id int64) persistence.Document {
	k.t.Helper()
	d, err := k.store.GetDocument(context.Background(), k.org, k.base, id)
	if err != nil {
		k.t.Fatal(err)
	}
	return d
}

func TestWorkerProcessesDocumentsIntoSearchableChunks(t *testing.T) {
	k := newKB(t)
	ctx := context.Background()
	guide, err := os.ReadFile("../demo/bike-shop.md")
	if err != nil {
		t.Fatal(err)
	}
	md := k.upload("bike-shop.md", guide)
	pdf := k.upload("leaflet.pdf", knowledgetest.PDF("Late appointments", "On Wednesdays the clinic stays open until 9 pm for late appointments."))
	docx := k.upload("whitening.docx", knowledgetest.DOCX("Whitening aftercare", "Avoid coffee and red wine for 48 hours after teeth whitening."))
	broken := k.upload("broken.pdf", knowledgetest.PDF("x")[:70])
	if _, err := k.store.InsertDocument(ctx, persistence.NewDocument{Document: md, Content: guide, Queue: true}, t0); !errors.Is(err, persistence.ErrDuplicate) {
		t.Fatalf("the same file again: %v", err)
	}
	w := k.worker()
	for {
		n, err := w.RunDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	for _, d := range []persistence.Document{md, pdf, docx} {
		got := k.doc(d.ID)
		if got.ProcessingStatus != persistence.DocumentCompleted || got.TotalChunks == 0 || got.ProcessedAt == nil {
			t.Fatalf("%s: %+v", d.Name, got)
		}
	}
	if p := k.doc(pdf.ID); p.PageCount == nil || *p.PageCount != 2 {
		t.Fatalf("pdf pages: %v", p.PageCount)
	}
	if b := k.doc(broken.ID); b.ProcessingStatus != persistence.DocumentFailed || b.ProcessingError == nil ||
		!strings.Contains(*b.ProcessingError, "cannot be read") {
		t.Fatalf("broken: %+v", b)
	}
	if k.mu.Lock(); len(k.changed) == 0 {
		t.Fatal("no change reported")
	}
	k.mu.Unlock()

	r := knowledge.NewRetriever(knowledge.RetrieverOptions{Chunks: k.store, Embedders: k.set, Clock: k.clock})
	cfg := k.cfg
	cfg.RAGSettings.SimilarityThreshold = 0.2
	for q, want := range map[string]string{
		"How late are you open on Wednesday?":     "9 pm",
		"Can I drink coffee after whitening?":     "48 hours",
		"What deposit do I leave to rent a bike?": "200 euros",
		"How much does a full service cost?":      "119 euros",
	} {
		hits, err := r.Search(ctx, k.org, k.asst, cfg, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || len(hits) > cfg.RAGSettings.SearchLimit || !strings.Contains(hits[0].Content, want) {
			t.Errorf("%q: %+v", q, hits)
		}
	}
	// a deletion reaches the index once it is invalidated
	if err := k.store.DeleteDocument(ctx, k.org, k.base, pdf.ID); err != nil {
		t.Fatal(err)
	}
	r.Invalidate(k.base, k.asst)
	hits, _ := r.Search(ctx, k.org, k.asst, cfg, "How late are you open on Wednesday?")
	for _, h := range hits {
		if strings.Contains(h.Content, "9 pm") {
			t.Fatalf("deleted document still found: %+v", h)
		}
	}
}

func TestWorkerRetriesWhenEmbeddingsFailThenCompletes(t *testing.T) {
	k := newKB(t)
	ctx := context.Background()
	d := k.upload("hours.txt", []byte("We are open Monday to Friday."))
	k.fake.Faults().Always(fault.Fault{Kind: fault.Unavailable})
	w := k.worker()
	if n, err := w.RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("%d, %v", n, err)
	}
	got := k.doc(d.ID)
	if got.ProcessingStatus != persistence.DocumentPending || got.Attempts != 1 || got.ProcessingError == nil {
		t.Fatalf("after a failed attempt: %+v", got)
	}
	if n, _ := w.RunDue(ctx); n != 0 {
		t.Fatal("retried before its backoff")
	}
	k.fake.Faults().Reset()
	k.clock.Advance(2 * time.Minute)
	// another node's worker (a restart) takes it from the queue
	if n, err := k.worker().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("%d, %v", n, err)
	}
	if got := k.doc(d.ID); got.ProcessingStatus != persistence.DocumentCompleted || got.ProcessingError != nil || got.Attempts != 2 {
		t.Fatalf("after the retry: %+v", got)
	}
}

func TestWorkerReleasesOnShutdownAndALeaseOutlivesACrash(t *testing.T) {
	k := newKB(t)
	ctx := context.Background()
	d := k.upload("hours.txt", []byte("We are open Monday to Friday."))
	// a worker that claimed it and died: the lease keeps it from others
	jobs, err := k.store.ClaimDocuments(ctx, k.clock.Now(), time.Minute, 5)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("%v %v", jobs, err)
	}
	if n, _ := k.worker().RunDue(ctx); n != 0 {
		t.Fatal("a leased document claimed")
	}
	k.clock.Advance(2 * time.Minute)
	if n, _ := k.worker().RunDue(ctx); n != 1 {
		t.Fatal("not claimed once the lease ran out")
	}
	if got := k.doc(d.ID); got.ProcessingStatus != persistence.DocumentCompleted {
		t.Fatalf("%+v", got)
	}
	// the dead worker's late outcome is refused
	if err := k.store.FinishDocument(ctx, persistence.DocumentOutcome{ID: d.ID, Attempt: jobs[0].Attempt,
		Status: persistence.DocumentFailed, At: k.clock.Now()}); !errors.Is(err, persistence.ErrStaleClaim) {
		t.Fatalf("stale outcome: %v", err)
	}
}

// Another node's change reaches this node's index once its version is
// rechecked: the stale index serves until then, never longer.
func TestRetrieverRechecksAnotherNodesChanges(t *testing.T) {
	k := newKB(t)
	ctx := context.Background()
	k.upload("rental.txt", []byte("E-bikes can be rented for 35 euros a day."))
	if n, err := k.worker().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	r := knowledge.NewRetriever(knowledge.RetrieverOptions{Chunks: k.store, Embedders: k.set, Clock: k.clock, Recheck: time.Minute})
	cfg := k.cfg
	cfg.RAGSettings.SimilarityThreshold = 0.2
	const q = "How much is an e-bike rental?"
	if hits, err := r.Search(ctx, k.org, k.asst, cfg, q); err != nil || len(hits) != 1 {
		t.Fatalf("%v %v", hits, err)
	}
	// another node deletes it: this one has not heard
	docs, _ := k.store.ListDocuments(ctx, k.org, k.base)
	if err := k.store.DeleteDocument(ctx, k.org, k.base, docs[0].ID); err != nil {
		t.Fatal(err)
	}
	if hits, _ := r.Search(ctx, k.org, k.asst, cfg, q); len(hits) != 1 {
		t.Fatalf("the index was reloaded before its recheck: %v", hits)
	}
	k.clock.Advance(2 * time.Minute)
	testkit.Eventually(t, 10*time.Second, func() error {
		if hits, err := r.Search(ctx, k.org, k.asst, cfg, q); err != nil || len(hits) != 0 {
			return fmt.Errorf("still found %v (%v)", hits, err)
		}
		return nil
	})
}

// A search ranks with the chunks' full-text ranks as well as their
// similarity: on the labelled questions over the stored guide it puts the
// answer's section first more often than the similarity alone does.
func TestRetrieverRanksWithFullText(t *testing.T) {
	k := newKB(t)
	ctx := context.Background()
	guide, err := os.ReadFile("../demo/bike-shop.md")
	if err != nil {
		t.Fatal(err)
	}
	k.upload("bike-shop.md", guide)
	if n, err := k.worker().RunDue(ctx); n != 1 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	raw, err := os.ReadFile("testdata/questions.json")
	if err != nil {
		t.Fatal(err)
	}
	var qs []labelled
	if err := json.Unmarshal(raw, &qs); err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, s := range strings.Split(string(guide), "## ")[1:] {
		head, body, _ := strings.Cut(s, "\n")
		sections[head] = strings.TrimSpace(body)
	}
	chunks, err := k.store.LoadKnowledge(ctx, persistence.KnowledgeSource{OrganizationID: k.org, AssistantID: k.asst}, k.cfg.RAGSettings.EmbeddingModel)
	if err != nil {
		t.Fatal(err)
	}
	cosineOnly, err := knowledge.NewIndex(chunks)
	if err != nil {
		t.Fatal(err)
	}
	r := knowledge.NewRetriever(knowledge.RetrieverOptions{Chunks: k.store, Embedders: k.set, Clock: k.clock})
	cfg := k.cfg
	cfg.RAGSettings.SimilarityThreshold, cfg.RAGSettings.SearchLimit = 0, 1
	firstOf := func(hits []knowledge.Hit, section string) int {
		if len(hits) > 0 && fromSection(hits[0].Content, sections[section]) {
			return 1
		}
		return 0
	}
	hybrid, cosine := 0, 0
	for _, q := range qs {
		hits, err := r.Search(ctx, k.org, k.asst, cfg, q.Q)
		if err != nil {
			t.Fatal(err)
		}
		hybrid += firstOf(hits, q.Section)
		cosine += firstOf(cosineOnly.Search(embeddingsfake.Vector(q.Q, dims), 1, 0), q.Section)
	}
	t.Logf("recall@1 over %d questions: %d with full-text ranks, %d by similarity alone", len(qs), hybrid, cosine)
	if hybrid <= cosine {
		t.Fatalf("full-text ranks did not help: %d, similarity alone %d", hybrid, cosine)
	}
}
