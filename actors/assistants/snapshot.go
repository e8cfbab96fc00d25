// Package assistants runs one actor per assistant. The actor owns the
// assistant's configuration: every write goes through its mailbox, so
// concurrent writes are serialised and none is lost; it persists each change
// with its history entry before replying, publishes an immutable snapshot for
// lock-free reads, and pushes changes to the live calls subscribed to it.
package assistants

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Snapshot is an assistant's committed state. It is immutable once
// published: readers share it without locks.
type Snapshot struct {
	ID             int64
	UUID           string
	OrganizationID int64
	UserID         *int64
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Config         assistant.Config   // secrets opened, for calls
	Secrets        []string           // Config's opened secrets, scrubbed from what providers echo
	Doc            assistant.Document // as stored, secrets sealed
	JSON           []byte             // Doc encoded
	Body           []byte             // the API response, secrets masked, with zero statistics
	// CommittedAt is when the database confirmed this version's commit,
	// by the clock of the node that committed it; zero for a version read
	// back from the database. Calls on other nodes receive it, so how long
	// a change takes to reach them can be measured from where it happened.
	CommittedAt time.Time
}

// newSnapshot builds a snapshot from a stored row and its prepared config.
func newSnapshot(row persistence.AssistantRow, res assistant.Result) (*Snapshot, error) {
	s := &Snapshot{
		ID:             row.ID,
		UUID:           row.UUID,
		OrganizationID: row.OrganizationID,
		UserID:         row.UserID,
		Version:        row.Version,
		CreatedAt:      row.CreatedAt,
		UpdatedAt:      row.UpdatedAt,
		Config:         res.Config,
		Secrets:        res.Secrets,
		Doc:            res.Doc,
		JSON:           res.JSON,
	}
	var err error
	s.Body, err = render(row, res.Masked, assistant.Stats{})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// fromRow builds the snapshot of a stored assistant, its secrets opened.
func (r *Registry) fromRow(row persistence.AssistantRow) (*Snapshot, error) {
	doc, err := assistant.DecodeDocument(row.Config)
	if err != nil {
		return nil, fmt.Errorf("assistants: stored config of %d: %w", row.ID, err)
	}
	res, err := assistant.Load(doc, r.sealer)
	if err != nil {
		return nil, fmt.Errorf("assistants: load %d: %w", row.ID, err)
	}
	return newSnapshot(row, res)
}

// RenderRow renders a stored assistant as the API shows it, secrets masked.
func RenderRow(row persistence.AssistantRow, stats assistant.Stats) ([]byte, error) {
	doc, err := assistant.DecodeDocument(row.Config)
	if err != nil {
		return nil, fmt.Errorf("assistants: stored config of %d: %w", row.ID, err)
	}
	masked, err := assistant.Masked(doc)
	if err != nil {
		return nil, fmt.Errorf("assistants: render %d: %w", row.ID, err)
	}
	return render(row, masked, stats)
}

func render(row persistence.AssistantRow, masked assistant.Config, stats assistant.Stats) ([]byte, error) {
	body, err := json.Marshal(assistant.View{
		ID: row.ID, UUID: row.UUID, OrganizationID: row.OrganizationID, UserID: row.UserID, Version: row.Version,
		CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, Config: masked, Stats: stats,
	})
	if err != nil {
		return nil, fmt.Errorf("assistants: render %d: %w", row.ID, err)
	}
	return body, nil
}

// ConfigChanged is pushed to subscribed calls after every committed change.
// Calls apply it at their next turn boundary.
type ConfigChanged struct {
	Snapshot *Snapshot
}
