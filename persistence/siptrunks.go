package persistence

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
)

// SIPTrunk is a PBX's or a carrier's SIP trunk of an organization. The
// passwords are sealed (secrets.Box): the store never sees them in clear.
type SIPTrunk struct {
	ID                int64
	OrganizationID    int64
	Name              string
	Description       *string
	IsActive          bool
	AllowedAddresses  []netip.Prefix
	InboundUsername   *string
	InboundPassword   *string // sealed
	OutboundAddress   *string
	OutboundTransport string
	OutboundUsername  *string
	OutboundPassword  *string // sealed
	CallerID          *string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

const trunkColumns = `id, organization_id, name, description, is_active, allowed_addresses, inbound_username, inbound_password,
	outbound_address, outbound_transport, outbound_username, outbound_password, caller_id, created_at, updated_at`

func scanTrunk(row pgx.Row) (SIPTrunk, error) {
	var t SIPTrunk
	err := row.Scan(&t.ID, &t.OrganizationID, &t.Name, &t.Description, &t.IsActive, &t.AllowedAddresses,
		&t.InboundUsername, &t.InboundPassword, &t.OutboundAddress, &t.OutboundTransport, &t.OutboundUsername,
		&t.OutboundPassword, &t.CallerID, &t.CreatedAt, &t.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return SIPTrunk{}, ErrNotFound
	}
	return t, err
}

func collectTrunks(rows pgx.Rows, err error) ([]SIPTrunk, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SIPTrunk, error) { return scanTrunk(r) })
}

func prefixes(p []netip.Prefix) []netip.Prefix {
	if p == nil {
		return []netip.Prefix{}
	}
	return p
}

// CreateSIPTrunk adds a trunk to its organization.
func (s *Store) CreateSIPTrunk(ctx context.Context, t SIPTrunk) (SIPTrunk, error) {
	out, err := scanTrunk(s.pool.QueryRow(ctx, `
		INSERT INTO sip_trunks (organization_id, name, description, is_active, allowed_addresses, inbound_username,
			inbound_password, outbound_address, outbound_transport, outbound_username, outbound_password, caller_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+trunkColumns,
		t.OrganizationID, t.Name, t.Description, t.IsActive, prefixes(t.AllowedAddresses), t.InboundUsername,
		t.InboundPassword, t.OutboundAddress, t.OutboundTransport, t.OutboundUsername, t.OutboundPassword, t.CallerID))
	if err != nil {
		return SIPTrunk{}, fmt.Errorf("persistence: create SIP trunk: %w", err)
	}
	return out, nil
}

// ListSIPTrunks returns one page of an organization's trunks and the total.
func (s *Store) ListSIPTrunks(ctx context.Context, orgID int64, skip, limit int) ([]SIPTrunk, int, error) {
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM sip_trunks WHERE organization_id = $1`, orgID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("persistence: count SIP trunks: %w", err)
	}
	list, err := collectTrunks(s.pool.Query(ctx, `SELECT `+trunkColumns+` FROM sip_trunks WHERE organization_id = $1
		ORDER BY id LIMIT $2 OFFSET $3`, orgID, limit, skip))
	if err != nil {
		return nil, 0, fmt.Errorf("persistence: list SIP trunks: %w", err)
	}
	return list, total, nil
}

// SIPTrunk returns one of an organization's trunks.
func (s *Store) SIPTrunk(ctx context.Context, orgID, id int64) (SIPTrunk, error) {
	t, err := scanTrunk(s.pool.QueryRow(ctx, `SELECT `+trunkColumns+` FROM sip_trunks WHERE organization_id = $1 AND id = $2`, orgID, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return SIPTrunk{}, fmt.Errorf("persistence: SIP trunk: %w", err)
	}
	return t, err
}

// ReplaceSIPTrunk writes every field of one of an organization's trunks
// (PUT): t is the trunk as it is to be.
func (s *Store) ReplaceSIPTrunk(ctx context.Context, t SIPTrunk) (SIPTrunk, error) {
	out, err := scanTrunk(s.pool.QueryRow(ctx, `
		UPDATE sip_trunks SET name = $3, description = $4, is_active = $5, allowed_addresses = $6, inbound_username = $7,
			inbound_password = $8, outbound_address = $9, outbound_transport = $10, outbound_username = $11,
			outbound_password = $12, caller_id = $13, updated_at = now()
		WHERE organization_id = $1 AND id = $2 RETURNING `+trunkColumns,
		t.OrganizationID, t.ID, t.Name, t.Description, t.IsActive, prefixes(t.AllowedAddresses), t.InboundUsername,
		t.InboundPassword, t.OutboundAddress, t.OutboundTransport, t.OutboundUsername, t.OutboundPassword, t.CallerID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return SIPTrunk{}, fmt.Errorf("persistence: update SIP trunk: %w", err)
	}
	return out, err
}

// SetSIPTrunkActive enables or disables one of an organization's trunks.
func (s *Store) SetSIPTrunkActive(ctx context.Context, orgID, id int64, active bool) (SIPTrunk, error) {
	t, err := scanTrunk(s.pool.QueryRow(ctx, `UPDATE sip_trunks SET is_active = $3, updated_at = now()
		WHERE organization_id = $1 AND id = $2 RETURNING `+trunkColumns, orgID, id, active))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return SIPTrunk{}, fmt.Errorf("persistence: set SIP trunk status: %w", err)
	}
	return t, err
}

// DeleteSIPTrunk removes one of an organization's trunks; its numbers stay,
// reachable through the organization's other trunks.
func (s *Store) DeleteSIPTrunk(ctx context.Context, orgID, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sip_trunks WHERE organization_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return fmt.Errorf("persistence: delete SIP trunk: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// InboundSIPTrunks lists the active trunks that may deliver a call to the
// SIP number dialled: those of its organization, or only the one the
// number is tied to. A number that is not a SIP number is ErrNotFound.
func (s *Store) InboundSIPTrunks(ctx context.Context, number string) ([]SIPTrunk, error) {
	list, err := collectTrunks(s.pool.Query(ctx, `SELECT `+trunkColumns+` FROM sip_trunks WHERE is_active AND id IN (
		SELECT t.id FROM phone_numbers n JOIN sip_trunks t ON t.organization_id = n.organization_id
			AND (n.sip_trunk_id IS NULL OR n.sip_trunk_id = t.id)
		WHERE n.phone_number = $1 AND n.provider = 'sip') ORDER BY id`, number))
	if err != nil {
		return nil, fmt.Errorf("persistence: inbound SIP trunks: %w", err)
	}
	return list, nil
}

// OutboundSIPTrunk is the trunk an organization's calls from a SIP number
// go out through: the trunk the number is tied to, or else the
// organization's first, of those active and with an outbound address. A
// number of another organization, or none, is ErrNotFound.
func (s *Store) OutboundSIPTrunk(ctx context.Context, orgID int64, number string) (SIPTrunk, error) {
	t, err := scanTrunk(s.pool.QueryRow(ctx, `SELECT `+trunkColumns+` FROM sip_trunks WHERE is_active AND outbound_address IS NOT NULL
		AND id IN (SELECT t.id FROM phone_numbers n JOIN sip_trunks t ON t.organization_id = n.organization_id
			AND (n.sip_trunk_id IS NULL OR n.sip_trunk_id = t.id)
		WHERE n.phone_number = $2 AND n.provider = 'sip' AND n.organization_id = $1) ORDER BY id LIMIT 1`, orgID, number))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return SIPTrunk{}, fmt.Errorf("persistence: outbound SIP trunk: %w", err)
	}
	return t, err
}
