package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/internal/leased"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers/embeddings"
	"github.com/switchboard-voice/switchboard/secrets"
)

// Queue is the documents' processing queue: *persistence.Store.
type Queue interface {
	ClaimDocuments(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]persistence.DocumentJob, error)
	FinishDocument(ctx context.Context, o persistence.DocumentOutcome) error
	ReleaseDocument(ctx context.Context, id int64, attempt int, now time.Time) error
}

// Configs gives an assistant's configuration, secrets opened (for its
// keys); ErrNoAssistant when it no longer exists.
type Configs interface {
	AssistantConfig(ctx context.Context, orgID, assistantID int64) (assistant.Config, error)
}

// ErrNoAssistant means the document's assistant was deleted.
var ErrNoAssistant = errors.New("knowledge: no such assistant")

// WorkerOptions configure a Worker.
type WorkerOptions struct {
	Queue     Queue
	Configs   Configs
	Embedders Embedders
	Clock     clock.Clock // nil: the real clock
	Log       *slog.Logger
	Metrics   *vm.Set // nil: none
	// Changed is called when a knowledge base's searchable documents
	// changed, with the assistant whose own base it is (0: none)
	// (Retriever.Invalidate).
	Changed func(baseID, owner int64)

	Workers     int            // documents processed at once; 2 when zero
	Timeout     time.Duration  // one attempt; 10 min when zero
	Lease       time.Duration  // how long a claim holds a document; Timeout + 1 min when zero
	Poll        time.Duration  // how often to look for due documents when idle; 2 s when zero
	MaxAttempts int            // 5 when zero
	Backoff     backoff.Policy // the wait after a failed attempt; 10 s doubling to 10 min when zero
}

func (o *WorkerOptions) defaults() {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Changed == nil {
		o.Changed = func(int64, int64) {}
	}
}

// Worker processes the documents due in the queue, a bounded number at
// once: extract the text, chunk it, embed the chunks, store them. Several
// workers (one per node) share a queue.
type Worker struct {
	opt  WorkerOptions
	jobs *leased.Worker[persistence.DocumentJob, persistence.DocumentOutcome]
}

// NewWorker returns a worker; Run starts it.
func NewWorker(o WorkerOptions) *Worker {
	o.defaults()
	w := &Worker{opt: o}
	w.jobs = leased.New(documents{w}, leased.Options{
		Clock: o.Clock, Workers: o.Workers, Timeout: o.Timeout, Lease: o.Lease, Poll: o.Poll, Record: 30 * time.Second,
		Pending: persistence.DocumentPending, Failed: persistence.DocumentFailed,
		MaxAttempts: o.MaxAttempts, Backoff: o.Backoff,
		Metrics: o.Metrics, Outcomes: "switchboard_document_jobs_total", Running: "switchboard_document_jobs_running", Finals: []string{persistence.DocumentCompleted, persistence.DocumentFailed},
		Log: o.Log, Words: leased.Words{
			Unavailable: "document queue unavailable",
			NotReleased: "document not released: it is due again after its lease",
			Stale:       "document outcome dropped: deleted, or claimed again since", StaleLevel: slog.LevelInfo,
			NotRecorded: "document outcome not recorded: it is due again after its lease",
		},
	}, leased.Defaults{Workers: 2, Timeout: 10 * time.Minute, Poll: 2 * time.Second, MaxAttempts: 5,
		Backoff: backoff.Policy{Min: 10 * time.Second, Max: 10 * time.Minute}})
	return w
}

// Kick makes a running worker look for due documents now (after an
// upload) instead of at its next poll.
func (w *Worker) Kick() { w.jobs.Kick() }

// Run processes due documents until ctx ends; then it hands back the
// ones it had not finished and returns.
func (w *Worker) Run(ctx context.Context) { w.jobs.Run(ctx) }

// RunDue claims the documents due now, up to the worker's slots,
// processes them and waits; it returns how many it claimed. For tests
// and benchmarks: not to be called while Run runs.
func (w *Worker) RunDue(ctx context.Context) (int, error) { return w.jobs.RunDue(ctx) }

// documents are the worker's jobs, as leased.Worker runs them.
type documents struct{ w *Worker }

func (d documents) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]persistence.DocumentJob, error) {
	return d.w.opt.Queue.ClaimDocuments(ctx, now, lease, limit)
}

func (documents) Ref(j persistence.DocumentJob) leased.Ref {
	return leased.Ref{Attempt: j.Attempt, ID: slog.Int64("document_id", j.ID)}
}

func (d documents) Attempt(ctx context.Context, j persistence.DocumentJob) (persistence.DocumentOutcome, string) {
	o := d.w.attempt(ctx, j)
	return o, o.Status
}

func (d documents) Release(ctx context.Context, j persistence.DocumentJob, now time.Time) error {
	return d.w.opt.Queue.ReleaseDocument(ctx, j.ID, j.Attempt, now)
}

func (d documents) Finish(ctx context.Context, j persistence.DocumentJob, o persistence.DocumentOutcome, e leased.End) error {
	o.ID, o.Attempt, o.At, o.Retry = j.ID, j.Attempt, e.At, e.Retry
	if e.Next == leased.GivenUp {
		o.Status = persistence.DocumentFailed
	}
	return d.w.opt.Queue.FinishDocument(ctx, o)
}

func (d documents) Recorded(j persistence.DocumentJob, o persistence.DocumentOutcome, label string, e leased.End) {
	switch label {
	case persistence.DocumentCompleted:
		d.w.opt.Log.Info("document processed", "document_id", j.ID, "knowledge_base_id", j.KnowledgeBaseID, "chunks", len(o.Chunks))
		d.w.opt.Changed(j.KnowledgeBaseID, ptr.Value(j.AssistantID))
	case leased.Retry:
		d.w.opt.Log.Warn("document attempt failed: retrying", "document_id", j.ID, "attempt", j.Attempt, "retry_at", e.Retry, "err", o.Error)
	default:
		d.w.opt.Log.Warn("document failed", "document_id", j.ID, "attempts", j.Attempt, "err", o.Error)
		d.w.opt.Changed(j.KnowledgeBaseID, ptr.Value(j.AssistantID)) // it may have been searchable before
	}
}

// attempt processes a document: Status is final, or pending with Error
// for an attempt to retry.
func (w *Worker) attempt(ctx context.Context, j persistence.DocumentJob) persistence.DocumentOutcome {
	failed := func(err error) persistence.DocumentOutcome {
		return persistence.DocumentOutcome{Status: persistence.DocumentFailed, Error: err.Error()}
	}
	retry := func(err error) persistence.DocumentOutcome {
		return persistence.DocumentOutcome{Status: persistence.DocumentPending, Error: secrets.Scrub(err.Error())}
	}
	text, err := Extract(j.DocumentType, j.Content)
	if err != nil {
		return failed(err)
	}
	parts, err := Split(text.Text, Chunking{Strategy: j.ChunkingStrategy, Size: j.ChunkSize, Overlap: j.ChunkOverlap})
	switch {
	case err != nil:
		return failed(err)
	case len(parts) > MaxChunks:
		return failed(fmt.Errorf("%w: %d chunks, at most %d (a larger chunk_size makes fewer)", ErrTooLarge, len(parts), MaxChunks))
	}
	// an assistant's own base is embedded with its keys; another base
	// with the organization's
	var cfg assistant.Config
	if j.AssistantID != nil {
		cfg, err = w.opt.Configs.AssistantConfig(ctx, j.OrganizationID, *j.AssistantID)
		if errors.Is(err, ErrNoAssistant) {
			return failed(err) // its rows are going with it
		}
		if err != nil {
			return retry(err)
		}
	}
	cfg.RAGSettings.EmbeddingModel = j.EmbeddingModel // the model the document was uploaded for
	emb, err := w.opt.Embedders.Embedder(ctx, j.OrganizationID, cfg)
	if err != nil {
		return failed(fmt.Errorf("no embeddings: %w", err))
	}
	vecs, err := emb.Embed(ctx, parts)
	switch {
	case errors.Is(err, embeddings.ErrInvalid):
		return failed(err)
	case err != nil:
		return retry(err)
	}
	o := persistence.DocumentOutcome{Status: persistence.DocumentCompleted, Pages: text.Pages, Chunks: make([]persistence.Chunk, len(parts))}
	for i, p := range parts {
		o.Chunks[i] = persistence.Chunk{Content: p, Embedding: EncodeVector(vecs[i])}
	}
	return o
}
