// Package routing answers the carrier gateways' questions about calls:
// which assistant takes a call to a number, with which carrier
// credentials, what earlier conversation it continues, and every
// configured account for checking signatures (telephony.Directory).
package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
)

// ContinuityWindow is how recent a caller's last call must be for the next
// to continue its conversation (conversation_continuity_enabled).
const ContinuityWindow = 15 * time.Minute

// Store is what routing reads from the database: *persistence.Store.
type Store interface {
	PhoneNumberByNumber(ctx context.Context, number string) (persistence.PhoneNumber, error)
	HasCalled(ctx context.Context, assistantID int64, caller string) (bool, error)
	RecentConversation(ctx context.Context, assistantID int64, caller string, within time.Duration) ([]voice.Message, error)
	Conversation(ctx context.Context, orgID int64, callSID string) ([]voice.Message, error)
	DialVariables(ctx context.Context, orgID int64, dialID string) (string, error)
	OrganizationsWith(ctx context.Context, key string) ([]int64, error)
	AssistantsWith(ctx context.Context, key string) ([]persistence.AssistantRow, error)
}

// Assistants is the assistant registry: *assistants.Registry.
type Assistants interface {
	Get(ctx context.Context, orgID, id int64) (*assistants.Snapshot, error)
}

// Organizations gives organizations' settings: *organization.Directory.
type Organizations interface {
	Get(ctx context.Context, id int64) (*organization.Org, error)
}

// Directory implements telephony.Directory.
type Directory struct {
	Store         Store
	Assistants    Assistants
	Organizations Organizations
	Sealer        assistant.Sealer // opens assistants' own credentials
	Log           *slog.Logger

	known known // the numbers resolved, for routing through an outage
}

var _ telephony.Directory = (*Directory)(nil)

// Route implements telephony.Directory. A number routes to its assistant
// when the number is active and configured for the carrier the call came
// through; a lookup that names its assistant (an outbound or web call) is
// that assistant's, provided the number, if any, is its organization's.
func (d *Directory) Route(ctx context.Context, q telephony.Lookup) (*telephony.Route, error) {
	org, id := q.OrganizationID, q.AssistantID
	if id == 0 || (q.Number != "" && q.Carrier != telephony.Web) {
		n, err := d.number(ctx, q.Number)
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			return nil, fmt.Errorf("%w: %s", telephony.ErrUnknownNumber, q.Number)
		case err != nil:
			return nil, fmt.Errorf("routing: %w", err)
		case n.Provider != q.Carrier || (id != 0 && n.OrganizationID != org):
			return nil, fmt.Errorf("%w: %s is not a %s number of the organization", telephony.ErrUnknownNumber, q.Number, q.Carrier)
		case id == 0 && (!n.IsActive || n.AssistantID == nil):
			return nil, fmt.Errorf("%w: %s", telephony.ErrInactive, q.Number)
		case id == 0:
			org, id = n.OrganizationID, *n.AssistantID
		}
	}
	snap, err := d.Assistants.Get(ctx, org, id)
	if errors.Is(err, assistants.ErrNotFound) {
		return nil, fmt.Errorf("%w: assistant %d", telephony.ErrUnknownNumber, id)
	}
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	creds, err := d.credentials(ctx, snap, q.Carrier)
	if err != nil {
		return nil, err
	}
	r := &telephony.Route{OrganizationID: org, AssistantID: id, Snapshot: snap, Credentials: creds}
	if rs := snap.Config.RecordingSettings; rs.DisclosureEnabled && rs.DisclosureMode == "first_call_only" && q.Caller != "" {
		if r.Returning, err = d.Store.HasCalled(ctx, id, q.Caller); err != nil {
			d.Log.Warn("earlier calls unknown: the recording disclosure is said", "assistant_id", id, "err", err)
		}
	}
	return r, nil
}

// Variables implements telephony.Directory: the dial's variables, sealed
// by the node that placed the call (engine's dialer).
func (d *Directory) Variables(ctx context.Context, r *telephony.Route, q telephony.Lookup) (map[string]string, error) {
	return d.DialVariables(ctx, r.OrganizationID, q.Dial)
}

// DialVariables opens the call-time variables a dial was placed with;
// persistence.ErrNotFound once they expired.
func (d *Directory) DialVariables(ctx context.Context, orgID int64, dialID string) (map[string]string, error) {
	sealed, err := d.Store.DialVariables(ctx, orgID, dialID)
	if err != nil {
		return nil, fmt.Errorf("routing: variables of dial %s: %w", dialID, err)
	}
	plain, err := d.Sealer.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("routing: variables of dial %s: %w", dialID, err)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(plain), &vars); err != nil {
		return nil, fmt.Errorf("routing: variables of dial %s: %w", dialID, err)
	}
	return vars, nil
}

// History implements telephony.Directory.
func (d *Directory) History(ctx context.Context, r *telephony.Route, q telephony.Lookup) ([]voice.Message, error) {
	switch {
	case q.ResumeCallID != "":
		return d.Store.Conversation(ctx, r.OrganizationID, q.ResumeCallID)
	case r.Snapshot.Config.ConversationContinuityEnabled && !r.Snapshot.Config.PrivacySettings.GDPRMode && q.Caller != "":
		return d.Store.RecentConversation(ctx, r.AssistantID, q.Caller, ContinuityWindow)
	}
	return nil, nil
}
