package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Document processing statuses.
const (
	DocumentUploaded   = "uploaded"   // stored, not queued (rag_settings.auto_process was off)
	DocumentPending    = "pending"    // queued, or due again after a failed attempt
	DocumentProcessing = "processing" // a worker holds it (until its lease ends)
	DocumentCompleted  = "completed"  // chunked and embedded: searchable
	DocumentFailed     = "failed"     // given up: processing_error says why
)

// Document is a knowledge base's document as listed: everything but the
// file. AssistantID is the assistant whose own base holds it, if any.
type Document struct {
	ID               int64      `json:"id"`
	KnowledgeBaseID  int64      `json:"knowledge_base_id"`
	AssistantID      *int64     `json:"assistant_id"`
	OrganizationID   int64      `json:"organization_id"`
	Name             string     `json:"name"`
	Description      *string    `json:"description"`
	OriginalFilename string     `json:"original_filename"`
	SourceURL        *string    `json:"source_url"`
	ContentType      string     `json:"content_type"`
	DocumentType     string     `json:"document_type"`
	FileSize         int        `json:"file_size"`
	FileHash         string     `json:"file_hash"`
	ProcessingStatus string     `json:"processing_status"`
	ProcessingError  *string    `json:"processing_error"`
	TotalChunks      int        `json:"total_chunks"`
	ProcessedChunks  int        `json:"processed_chunks"`
	PageCount        *int       `json:"page_count"`
	ChunkingStrategy string     `json:"chunking_strategy"`
	ChunkSize        int        `json:"chunk_size"`
	ChunkOverlap     int        `json:"chunk_overlap"`
	EmbeddingModel   string     `json:"embedding_model"`
	Attempts         int        `json:"attempts"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	ProcessedAt      *time.Time `json:"processed_at"`
}

// NewDocument is an upload to store.
type NewDocument struct {
	Document
	Content []byte
	Queue   bool // process it now (auto_process); else it waits as uploaded
}

// documentColumns read a document (d) with its base (kb).
const documentColumns = `d.id, d.knowledge_base_id, kb.assistant_id, d.organization_id, d.name, d.description, d.original_filename,
	d.source_url, d.content_type, d.document_type, d.file_size, d.file_hash, d.processing_status, d.processing_error, d.total_chunks,
	d.processed_chunks, d.page_count, d.chunking_strategy, d.chunk_size, d.chunk_overlap, d.embedding_model, d.attempts, d.created_at,
	d.updated_at, d.processed_at`

// baseJoin joins a document (d: the table, or a CTE of changed rows)
// with its base, as documentColumns read them.
const baseJoin = ` JOIN knowledge_bases kb ON kb.id = d.knowledge_base_id `

func scanDocument(r pgx.Row) (Document, error) {
	var d Document
	err := r.Scan(&d.ID, &d.KnowledgeBaseID, &d.AssistantID, &d.OrganizationID, &d.Name, &d.Description, &d.OriginalFilename,
		&d.SourceURL, &d.ContentType, &d.DocumentType, &d.FileSize, &d.FileHash, &d.ProcessingStatus, &d.ProcessingError,
		&d.TotalChunks, &d.ProcessedChunks, &d.PageCount, &d.ChunkingStrategy, &d.ChunkSize, &d.ChunkOverlap, &d.EmbeddingModel,
		&d.Attempts, &d.CreatedAt, &d.UpdatedAt, &d.ProcessedAt)
	return d, err
}

// InsertDocument stores an upload into its knowledge base, queued or not.
// The same file uploaded to the same base again is not stored twice: the
// error is ErrDuplicate, with the document already stored.
func (s *Store) InsertDocument(ctx context.Context, n NewDocument, now time.Time) (Document, error) {
	d := n.Document
	status, due := DocumentUploaded, (*time.Time)(nil)
	if n.Queue {
		status, due = DocumentPending, &now
	}
	out, err := scanDocument(s.pool.QueryRow(ctx, `
		WITH d AS (
			INSERT INTO documents (knowledge_base_id, organization_id, name, description, original_filename, source_url,
				content_type, document_type, file_size, file_hash, content, processing_status, chunking_strategy, chunk_size,
				chunk_overlap, embedding_model, next_attempt_at, created_at, updated_at)
			SELECT kb.id, kb.organization_id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18
			FROM knowledge_bases kb WHERE kb.id = $1 AND kb.organization_id = $2
			RETURNING *)
		SELECT `+documentColumns+` FROM d`+baseJoin, d.KnowledgeBaseID, d.OrganizationID, d.Name, d.Description,
		d.OriginalFilename, d.SourceURL, d.ContentType, d.DocumentType, len(n.Content), d.FileHash, n.Content, status,
		d.ChunkingStrategy, d.ChunkSize, d.ChunkOverlap, d.EmbeddingModel, due, now))
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "23505":
		dup, gerr := scanDocument(s.pool.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents d`+baseJoin+`
			WHERE d.knowledge_base_id = $1 AND d.file_hash = $2`, d.KnowledgeBaseID, d.FileHash))
		if gerr != nil {
			return Document{}, fmt.Errorf("persistence: duplicate document: %w", gerr)
		}
		return dup, ErrDuplicate
	case errors.Is(err, pgx.ErrNoRows), errors.As(err, &pe) && pe.Code == "23503":
		return Document{}, ErrNotFound // the base is not the organization's, or was deleted meanwhile
	case err != nil:
		return Document{}, fmt.Errorf("persistence: insert document: %w", err)
	}
	return out, nil
}

// ListDocuments lists a knowledge base's documents, newest first.
func (s *Store) ListDocuments(ctx context.Context, orgID, baseID int64) ([]Document, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+documentColumns+` FROM documents d`+baseJoin+`
		WHERE d.organization_id = $1 AND d.knowledge_base_id = $2 ORDER BY d.id DESC`, orgID, baseID)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Document, error) { return scanDocument(r) })
	if err != nil {
		return nil, fmt.Errorf("persistence: list documents: %w", err)
	}
	return list, nil
}

// GetDocument returns one of a knowledge base's documents; ErrNotFound
// when it is not that base's in that organization.
func (s *Store) GetDocument(ctx context.Context, orgID, baseID, id int64) (Document, error) {
	d, err := scanDocument(s.pool.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents d`+baseJoin+`
		WHERE d.organization_id = $1 AND d.knowledge_base_id = $2 AND d.id = $3`, orgID, baseID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, ErrNotFound
	}
	if err != nil {
		return Document{}, fmt.Errorf("persistence: get document: %w", err)
	}
	return d, nil
}

// DocumentUpdate renames or redescribes a document (Famulor's PATCH);
// nil leaves a field, SetDescription with a nil Description clears it.
type DocumentUpdate struct {
	Name           *string
	SetDescription bool
	Description    *string
}

// UpdateDocument changes a document's name or description; ErrNotFound
// when it is not the base's.
func (s *Store) UpdateDocument(ctx context.Context, orgID, baseID, id int64, u DocumentUpdate, now time.Time) (Document, error) {
	d, err := scanDocument(s.pool.QueryRow(ctx, `
		WITH d AS (
			UPDATE documents SET name = coalesce($4, name), description = CASE WHEN $5 THEN $6 ELSE description END, updated_at = $7
			WHERE organization_id = $1 AND knowledge_base_id = $2 AND id = $3
			RETURNING *)
		SELECT `+documentColumns+` FROM d`+baseJoin, orgID, baseID, id, u.Name, u.SetDescription, u.Description, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, ErrNotFound
	}
	if err != nil {
		return Document{}, fmt.Errorf("persistence: update document: %w", err)
	}
	return d, nil
}

// DeleteDocument deletes a document and its chunks; ErrNotFound when it
// is not the base's. A worker processing it finds its claim stale.
func (s *Store) DeleteDocument(ctx context.Context, orgID, baseID, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM documents WHERE organization_id = $1 AND knowledge_base_id = $2 AND id = $3`,
		orgID, baseID, id)
	if err != nil {
		return fmt.Errorf("persistence: delete document: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// QueueDocument queues a document that is not queued already (uploaded,
// completed or failed) to be processed again from its stored file;
// ErrNotFound when it is not the base's.
func (s *Store) QueueDocument(ctx context.Context, orgID, baseID, id int64, now time.Time) (Document, error) {
	d, err := scanDocument(s.pool.QueryRow(ctx, `
		WITH d AS (
			UPDATE documents SET processing_status = 'pending', processing_error = NULL, attempts = 0,
				next_attempt_at = $4, updated_at = $4
			WHERE organization_id = $1 AND knowledge_base_id = $2 AND id = $3 AND processing_status NOT IN ('pending', 'processing')
			RETURNING *)
		SELECT `+documentColumns+` FROM d`+baseJoin, orgID, baseID, id, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return s.GetDocument(ctx, orgID, baseID, id) // already queued, or not found
	}
	if err != nil {
		return Document{}, fmt.Errorf("persistence: queue document: %w", err)
	}
	return d, nil
}

// DocumentJob is a claimed document: the file and how to process it.
type DocumentJob struct {
	ID, KnowledgeBaseID, OrganizationID int64
	AssistantID                         *int64 // whose own base it is in, if any: its keys embed it
	Attempt                             int
	Name, DocumentType                  string
	Content                             []byte
	ChunkingStrategy                    string
	ChunkSize, ChunkOverlap             int
	EmbeddingModel                      string
}

// ClaimDocuments takes up to limit documents due at now for one attempt
// each, leased until now+lease (as ClaimAnalyses does).
func (s *Store) ClaimDocuments(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]DocumentJob, error) {
	rows, _ := s.pool.Query(ctx, `
		WITH due AS (
			SELECT id FROM documents
			WHERE processing_status IN ('pending', 'processing') AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE documents d SET processing_status = 'processing', attempts = d.attempts + 1, next_attempt_at = $2, updated_at = $1
		FROM due, knowledge_bases kb WHERE d.id = due.id AND kb.id = d.knowledge_base_id
		RETURNING d.id, d.knowledge_base_id, kb.assistant_id, d.organization_id, d.attempts, d.name, d.document_type, d.content,
			d.chunking_strategy, d.chunk_size, d.chunk_overlap, d.embedding_model`, now, now.Add(lease), limit)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DocumentJob, error) {
		var j DocumentJob
		err := r.Scan(&j.ID, &j.KnowledgeBaseID, &j.AssistantID, &j.OrganizationID, &j.Attempt, &j.Name, &j.DocumentType, &j.Content,
			&j.ChunkingStrategy, &j.ChunkSize, &j.ChunkOverlap, &j.EmbeddingModel)
		return j, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: claim documents: %w", err)
	}
	return list, nil
}

// Chunk is a piece of a document's text and its embedding.
type Chunk struct {
	Content   string
	Embedding []byte // little-endian float32s
}

// DocumentOutcome is the end of one processing attempt.
type DocumentOutcome struct {
	ID      int64
	Attempt int
	Status  string // DocumentCompleted, DocumentFailed, or DocumentPending with Retry
	Error   string
	Chunks  []Chunk // when completed
	Pages   int     // 0: the format has no pages
	Retry   time.Time
	At      time.Time
}

// FinishDocument records an attempt; a completed one replaces the
// document's chunks in the same transaction. A stale claim (claimed again,
// or deleted since) changes nothing and reports ErrStaleClaim.
func (s *Store) FinishDocument(ctx context.Context, o DocumentOutcome) error {
	var retry *time.Time
	if o.Status == DocumentPending {
		retry = &o.Retry
	}
	var pages *int
	if o.Pages > 0 {
		pages = &o.Pages
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE documents SET processing_status = $3, processing_error = nullif($4, ''), total_chunks = $5,
				processed_chunks = $5, page_count = coalesce($6, page_count), next_attempt_at = $7,
				processed_at = CASE WHEN $3 = 'completed' THEN $8::timestamptz END, updated_at = $8
			WHERE id = $1 AND attempts = $2 AND processing_status = 'processing'`,
			o.ID, o.Attempt, o.Status, o.Error, len(o.Chunks), pages, retry, o.At)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrStaleClaim
		}
		if _, err := tx.Exec(ctx, `DELETE FROM document_chunks WHERE document_id = $1`, o.ID); err != nil {
			return err
		}
		if len(o.Chunks) == 0 {
			return nil
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"document_chunks"}, []string{"document_id", "chunk_index", "content", "embedding"},
			pgx.CopyFromSlice(len(o.Chunks), func(i int) ([]any, error) {
				return []any{o.ID, i, o.Chunks[i].Content, o.Chunks[i].Embedding}, nil
			}))
		return err
	})
	if errors.Is(err, ErrStaleClaim) {
		return err
	}
	if err != nil {
		return fmt.Errorf("persistence: finish document %d: %w", o.ID, err)
	}
	return nil
}

// ReleaseDocument hands back a claim whose attempt never ran to its end
// (the worker is stopping): due again at now, the attempt not counted.
func (s *Store) ReleaseDocument(ctx context.Context, id int64, attempt int, now time.Time) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE documents SET processing_status = 'pending', attempts = attempts - 1, next_attempt_at = $3, updated_at = $3
		WHERE id = $1 AND attempts = $2 AND processing_status = 'processing'`, id, attempt, now)
	if err != nil {
		return fmt.Errorf("persistence: release document %d: %w", id, err)
	}
	return nil
}

// KnowledgeChunk is a searchable chunk as an index loads it.
type KnowledgeChunk struct {
	DocumentID   int64
	DocumentName string
	Index        int
	Content      string
	Embedding    []byte
}

// KnowledgeSource names the knowledge base a call searches: the base
// KnowledgeBaseID when it is set (attached by rag_settings), else the
// assistant AssistantID's own. Either way only a base of the organization
// is read.
type KnowledgeSource struct {
	OrganizationID  int64
	KnowledgeBaseID int64
	AssistantID     int64
}

// sourceBase is the condition on kb that picks a source's base ($1 org,
// $2 base, $3 assistant).
const sourceBase = `kb.organization_id = $1 AND CASE WHEN $2::bigint <> 0 THEN kb.id = $2 ELSE kb.assistant_id = $3 END`

// LoadKnowledge returns the chunks of a source's completed documents
// embedded with model, in document and chunk order.
func (s *Store) LoadKnowledge(ctx context.Context, src KnowledgeSource, model string) ([]KnowledgeChunk, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT c.document_id, d.name, c.chunk_index, c.content, c.embedding
		FROM document_chunks c JOIN documents d ON d.id = c.document_id`+baseJoin+`
		WHERE `+sourceBase+` AND d.processing_status = 'completed' AND d.embedding_model = $4
		ORDER BY c.document_id, c.chunk_index`, src.OrganizationID, src.KnowledgeBaseID, src.AssistantID, model)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (KnowledgeChunk, error) {
		var c KnowledgeChunk
		err := r.Scan(&c.DocumentID, &c.DocumentName, &c.Index, &c.Content, &c.Embedding)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: load knowledge of %+v: %w", src, err)
	}
	return list, nil
}

// KnowledgeVersion changes whenever a source's searchable documents do
// (one completes, is deleted or is processed again, or the base is
// replaced): an index built at one version is stale at another. Base is
// the base the source names now; 0 when there is none.
func (s *Store) KnowledgeVersion(ctx context.Context, src KnowledgeSource) (version string, base int64, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT kb.id, count(d.id)::text || '/' || coalesce(max(d.id), 0)::text || '/' || coalesce(max(d.processed_at)::text, '')
		FROM knowledge_bases kb LEFT JOIN documents d ON d.knowledge_base_id = kb.id AND d.processing_status = 'completed'
		WHERE `+sourceBase+`
		GROUP BY kb.id`, src.OrganizationID, src.KnowledgeBaseID, src.AssistantID).Scan(&base, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return "none", 0, nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("persistence: knowledge version of %+v: %w", src, err)
	}
	return version + "@" + fmt.Sprint(base), base, nil
}

// TextRank is a chunk's full-text rank for a query.
type TextRank struct {
	DocumentID int64
	Index      int
	Rank       float32
}

// anyLexeme is the tsquery matching any of $5's English lexemes (spoken
// questions share few words with the answer, so not all of them).
const anyLexeme = `(SELECT string_agg(quote_literal(l), ' | ')
	FROM unnest(tsvector_to_array(to_tsvector('english', $5))) AS l)::tsquery`

// TextRanks ranks a source's searchable chunks (completed, embedded with
// model) for query with ts_rank_cd, best first, at most limit of them;
// a chunk sharing no word with the query is not listed.
func (s *Store) TextRanks(ctx context.Context, src KnowledgeSource, model, query string, limit int) ([]TextRank, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT c.document_id, c.chunk_index, ts_rank_cd(c.tsv, q.q)::real
		FROM document_chunks c JOIN documents d ON d.id = c.document_id`+baseJoin+`, (SELECT `+anyLexeme+` AS q) q
		WHERE `+sourceBase+` AND d.processing_status = 'completed' AND d.embedding_model = $4 AND c.tsv @@ q.q
		ORDER BY 3 DESC LIMIT $6`, src.OrganizationID, src.KnowledgeBaseID, src.AssistantID, model, query, limit)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TextRank, error) {
		var t TextRank
		err := r.Scan(&t.DocumentID, &t.Index, &t.Rank)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: text ranks of %+v: %w", src, err)
	}
	return list, nil
}
