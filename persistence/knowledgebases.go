package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// KnowledgeBase is an organization's collection of documents. AssistantID
// is set on an assistant's own base (its Burki documents).
type KnowledgeBase struct {
	ID             int64
	OrganizationID int64
	AssistantID    *int64
	Name           string
	Description    *string
	Documents      int // how many documents it holds
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const knowledgeBaseColumns = `kb.id, kb.organization_id, kb.assistant_id, kb.name, kb.description,
	(SELECT count(*) FROM documents d WHERE d.knowledge_base_id = kb.id)::int, kb.created_at, kb.updated_at`

func scanKnowledgeBase(r pgx.Row) (KnowledgeBase, error) {
	var b KnowledgeBase
	err := r.Scan(&b.ID, &b.OrganizationID, &b.AssistantID, &b.Name, &b.Description, &b.Documents, &b.CreatedAt, &b.UpdatedAt)
	return b, err
}

// CreateKnowledgeBase makes an empty base of the organization.
func (s *Store) CreateKnowledgeBase(ctx context.Context, orgID int64, name string, description *string, now time.Time) (KnowledgeBase, error) {
	b, err := scanKnowledgeBase(s.pool.QueryRow(ctx, `
		WITH kb AS (
			INSERT INTO knowledge_bases (organization_id, name, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING *)
		SELECT `+knowledgeBaseColumns+` FROM kb`, orgID, name, description, now))
	if err != nil {
		return KnowledgeBase{}, fmt.Errorf("persistence: create knowledge base: %w", err)
	}
	return b, nil
}

// AssistantKnowledgeBase returns the assistant's own base, made (named
// name) on first use; ErrNotFound when the assistant is not the
// organization's.
func (s *Store) AssistantKnowledgeBase(ctx context.Context, orgID, assistantID int64, name string, now time.Time) (KnowledgeBase, error) {
	b, err := scanKnowledgeBase(s.pool.QueryRow(ctx, `
		WITH kb AS (
			INSERT INTO knowledge_bases (organization_id, assistant_id, name, created_at, updated_at)
			SELECT a.organization_id, a.id, $3, $4, $4 FROM assistants a WHERE a.id = $2 AND a.organization_id = $1
			ON CONFLICT (assistant_id) DO UPDATE SET assistant_id = excluded.assistant_id
			RETURNING *)
		SELECT `+knowledgeBaseColumns+` FROM kb`, orgID, assistantID, name, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return KnowledgeBase{}, ErrNotFound
	}
	if err != nil {
		return KnowledgeBase{}, fmt.Errorf("persistence: knowledge base of assistant %d: %w", assistantID, err)
	}
	return b, nil
}

// OwnKnowledgeBase returns the id of the assistant's own base;
// ErrNotFound when it has none (no document was ever uploaded to it).
func (s *Store) OwnKnowledgeBase(ctx context.Context, orgID, assistantID int64) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM knowledge_bases WHERE organization_id = $1 AND assistant_id = $2`,
		orgID, assistantID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("persistence: own knowledge base of assistant %d: %w", assistantID, err)
	}
	return id, nil
}

// ListKnowledgeBases lists the organization's bases, oldest first.
func (s *Store) ListKnowledgeBases(ctx context.Context, orgID int64) ([]KnowledgeBase, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+knowledgeBaseColumns+` FROM knowledge_bases kb
		WHERE kb.organization_id = $1 ORDER BY kb.id`, orgID)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (KnowledgeBase, error) { return scanKnowledgeBase(r) })
	if err != nil {
		return nil, fmt.Errorf("persistence: list knowledge bases: %w", err)
	}
	return list, nil
}

// GetKnowledgeBase returns one of the organization's bases; ErrNotFound
// when it is not the organization's.
func (s *Store) GetKnowledgeBase(ctx context.Context, orgID, id int64) (KnowledgeBase, error) {
	b, err := scanKnowledgeBase(s.pool.QueryRow(ctx, `SELECT `+knowledgeBaseColumns+` FROM knowledge_bases kb
		WHERE kb.organization_id = $1 AND kb.id = $2`, orgID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return KnowledgeBase{}, ErrNotFound
	}
	if err != nil {
		return KnowledgeBase{}, fmt.Errorf("persistence: get knowledge base: %w", err)
	}
	return b, nil
}

// KnowledgeBaseUpdate renames or redescribes a base; nil leaves a field,
// SetDescription with a nil Description clears it.
type KnowledgeBaseUpdate struct {
	Name           *string
	SetDescription bool
	Description    *string
}

// UpdateKnowledgeBase changes a base's name or description; ErrNotFound
// when it is not the organization's.
func (s *Store) UpdateKnowledgeBase(ctx context.Context, orgID, id int64, u KnowledgeBaseUpdate, now time.Time) (KnowledgeBase, error) {
	b, err := scanKnowledgeBase(s.pool.QueryRow(ctx, `
		WITH kb AS (
			UPDATE knowledge_bases SET name = coalesce($3, name),
				description = CASE WHEN $4 THEN $5 ELSE description END, updated_at = $6
			WHERE organization_id = $1 AND id = $2 RETURNING *)
		SELECT `+knowledgeBaseColumns+` FROM kb`, orgID, id, u.Name, u.SetDescription, u.Description, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return KnowledgeBase{}, ErrNotFound
	}
	if err != nil {
		return KnowledgeBase{}, fmt.Errorf("persistence: update knowledge base: %w", err)
	}
	return b, nil
}

// DeleteKnowledgeBase deletes a base with its documents and chunks;
// ErrNotFound when it is not the organization's. It returns the base as
// it was, for its assistant (if it was one's own).
func (s *Store) DeleteKnowledgeBase(ctx context.Context, orgID, id int64) (KnowledgeBase, error) {
	var b KnowledgeBase
	err := s.pool.QueryRow(ctx, `DELETE FROM knowledge_bases WHERE organization_id = $1 AND id = $2
		RETURNING id, organization_id, assistant_id, name, description, created_at, updated_at`, orgID, id).
		Scan(&b.ID, &b.OrganizationID, &b.AssistantID, &b.Name, &b.Description, &b.CreatedAt, &b.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return KnowledgeBase{}, ErrNotFound
	}
	if err != nil {
		return KnowledgeBase{}, fmt.Errorf("persistence: delete knowledge base: %w", err)
	}
	return b, nil
}

// AssistantsAttaching lists the organization's assistants whose
// configuration attaches the base (rag_settings.knowledge_base_id).
func (s *Store) AssistantsAttaching(ctx context.Context, orgID, baseID int64) ([]int64, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id FROM assistants
		WHERE organization_id = $1 AND config->'rag_settings'->'knowledge_base_id' = to_jsonb($2::bigint) ORDER BY id`, orgID, baseID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("persistence: assistants attaching knowledge base %d: %w", baseID, err)
	}
	return ids, nil
}
