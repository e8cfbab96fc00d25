package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PhoneNumber is a number an organization receives calls on.
type PhoneNumber struct {
	ID             int64   `json:"id"`
	OrganizationID int64   `json:"organization_id"`
	PhoneNumber    string  `json:"phone_number"`
	Provider       string  `json:"provider"`
	FriendlyName   *string `json:"friendly_name"`
	AssistantID    *int64  `json:"assistant_id"`
	IsActive       bool    `json:"is_active"`
	// SIPTrunkID ties a SIP number to one of its organization's trunks
	// (nil: any of them delivers its calls).
	SIPTrunkID *int64    `json:"sip_trunk_id"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

const numberColumns = `id, organization_id, phone_number, provider, friendly_name, assistant_id, is_active, sip_trunk_id, created_at, updated_at`

func scanNumber(row pgx.Row) (PhoneNumber, error) {
	var n PhoneNumber
	err := row.Scan(&n.ID, &n.OrganizationID, &n.PhoneNumber, &n.Provider, &n.FriendlyName, &n.AssistantID, &n.IsActive, &n.SIPTrunkID, &n.CreatedAt, &n.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return PhoneNumber{}, ErrNotFound
	}
	return n, err
}

// CreatePhoneNumber adds a number; a number already registered (by any
// organization) is ErrDuplicate.
func (s *Store) CreatePhoneNumber(ctx context.Context, n PhoneNumber) (PhoneNumber, error) {
	out, err := scanNumber(s.pool.QueryRow(ctx, `
		INSERT INTO phone_numbers (organization_id, phone_number, provider, friendly_name, assistant_id, is_active, sip_trunk_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+numberColumns,
		n.OrganizationID, n.PhoneNumber, n.Provider, n.FriendlyName, n.AssistantID, n.IsActive, n.SIPTrunkID))
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return PhoneNumber{}, ErrDuplicate
	}
	if err != nil {
		return PhoneNumber{}, fmt.Errorf("persistence: create phone number: %w", err)
	}
	return out, nil
}

// PhoneNumberFilter narrows a listing.
type PhoneNumberFilter struct {
	AssistantID *int64
	Skip, Limit int
}

// ListPhoneNumbers returns one page of an organization's numbers and the total.
func (s *Store) ListPhoneNumbers(ctx context.Context, orgID int64, f PhoneNumberFilter) ([]PhoneNumber, int, error) {
	cond, args := "organization_id = $1", []any{orgID}
	if f.AssistantID != nil {
		cond += " AND assistant_id = $2"
		args = append(args, *f.AssistantID)
	}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM phone_numbers WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("persistence: count phone numbers: %w", err)
	}
	args = append(args, f.Limit, f.Skip)
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM phone_numbers WHERE %s ORDER BY id LIMIT $%d OFFSET $%d`,
		numberColumns, cond, len(args)-1, len(args)), args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PhoneNumber, error) { return scanNumber(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("persistence: list phone numbers: %w", err)
	}
	return list, total, nil
}

// PhoneNumber returns one of an organization's numbers.
func (s *Store) PhoneNumber(ctx context.Context, orgID, id int64) (PhoneNumber, error) {
	n, err := scanNumber(s.pool.QueryRow(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE organization_id = $1 AND id = $2`, orgID, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return PhoneNumber{}, fmt.Errorf("persistence: phone number: %w", err)
	}
	return n, err
}

// PhoneNumberByNumber finds a number whichever organization has it, for
// routing an incoming call.
func (s *Store) PhoneNumberByNumber(ctx context.Context, number string) (PhoneNumber, error) {
	n, err := scanNumber(s.pool.QueryRow(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE phone_number = $1`, number))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return PhoneNumber{}, fmt.Errorf("persistence: phone number by number: %w", err)
	}
	return n, err
}

// AssistantNumbers lists the active numbers of a carrier that reach an
// assistant, for local tools (the softphone) that know only the assistant.
func (s *Store) AssistantNumbers(ctx context.Context, assistantID int64, provider string) ([]PhoneNumber, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+numberColumns+` FROM phone_numbers
		WHERE assistant_id = $1 AND provider = $2 AND is_active ORDER BY id`, assistantID, provider)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PhoneNumber, error) { return scanNumber(r) })
	if err != nil {
		return nil, fmt.Errorf("persistence: assistant numbers: %w", err)
	}
	return list, nil
}

// PhoneNumberUpdate says which fields of a number change.
type PhoneNumberUpdate struct {
	FriendlyName    *string
	SetFriendlyName bool
	IsActive        *bool
	AssistantID     *int64
	SetAssistant    bool // with AssistantID nil: unassign
	SIPTrunkID      *int64
	SetSIPTrunk     bool // with SIPTrunkID nil: any of the organization's trunks
}

// UpdatePhoneNumber changes one of an organization's numbers.
func (s *Store) UpdatePhoneNumber(ctx context.Context, orgID, id int64, u PhoneNumberUpdate) (PhoneNumber, error) {
	n, err := scanNumber(s.pool.QueryRow(ctx, `
		UPDATE phone_numbers SET
			friendly_name = CASE WHEN $3 THEN $4 ELSE friendly_name END,
			is_active = COALESCE($5, is_active),
			assistant_id = CASE WHEN $6 THEN $7 ELSE assistant_id END,
			sip_trunk_id = CASE WHEN $8 THEN $9 ELSE sip_trunk_id END,
			updated_at = now()
		WHERE organization_id = $1 AND id = $2 RETURNING `+numberColumns,
		orgID, id, u.SetFriendlyName, u.FriendlyName, u.IsActive, u.SetAssistant, u.AssistantID, u.SetSIPTrunk, u.SIPTrunkID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return PhoneNumber{}, fmt.Errorf("persistence: update phone number: %w", err)
	}
	return n, err
}

// DeletePhoneNumber removes one of an organization's numbers.
func (s *Store) DeletePhoneNumber(ctx context.Context, orgID, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM phone_numbers WHERE organization_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return fmt.Errorf("persistence: delete phone number: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
