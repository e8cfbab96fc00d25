package telephonytest

import (
	"context"
	"sync"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

// OrgID is the organization every fake route belongs to.
const OrgID = 1

// Directory is a telephony.Directory over in-memory numbers and
// assistants of one organization. It also serves the assistants to calls
// (call.Assistants).
type Directory struct {
	events *Recorder

	mu         sync.Mutex
	routeErr   error                 // every Route fails with it (the database is away)
	creds      telephony.Credentials // the organization's
	numbers    map[string]number
	assistants map[int64]*assistants.Snapshot
	lookups    []telephony.Lookup
	subs       map[string]bool
	dials      map[string]map[string]string // call-time variables by dial id
}

type number struct {
	assistant int64
	active    bool
}

// NewDirectory returns an empty directory; events supplies histories.
func NewDirectory(events *Recorder) *Directory {
	return &Directory{events: events, numbers: map[string]number{}, assistants: map[int64]*assistants.Snapshot{},
		subs: map[string]bool{}}
}

// FailRoutes makes every Route fail with err (nil: work again).
func (d *Directory) FailRoutes(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.routeErr = err
}

// SetCredentials sets the organization's carrier credentials.
func (d *Directory) SetCredentials(c telephony.Credentials) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c.OrganizationID = OrgID
	d.creds = c
}

// AddAssistant adds an active assistant with the defaults, edited.
func (d *Directory) AddAssistant(id int64, edit func(*assistant.Config)) *assistants.Snapshot {
	cfg := assistant.Defaults()
	cfg.Name = "test"
	cfg.IsActive = true
	cfg.LLMSettings.SystemPrompt = "You are a test."
	if edit != nil {
		edit(&cfg)
	}
	snap := &assistants.Snapshot{ID: id, OrganizationID: OrgID, Version: 1, Config: cfg}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.assistants[id] = snap
	return snap
}

// AddNumber routes a number to an assistant.
func (d *Directory) AddNumber(e164 string, assistantID int64, active bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.numbers[e164] = number{assistant: assistantID, active: active}
}

// Lookups returns the routes asked for so far.
func (d *Directory) Lookups() []telephony.Lookup {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]telephony.Lookup(nil), d.lookups...)
}

// Route implements telephony.Directory.
func (d *Directory) Route(_ context.Context, q telephony.Lookup) (*telephony.Route, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups = append(d.lookups, q)
	if d.routeErr != nil {
		return nil, d.routeErr
	}
	id := q.AssistantID
	if id == 0 {
		n, ok := d.numbers[q.Number]
		if !ok {
			return nil, telephony.ErrUnknownNumber
		}
		if !n.active {
			return nil, telephony.ErrInactive
		}
		id = n.assistant
	} else if q.OrganizationID != OrgID {
		return nil, telephony.ErrUnknownNumber
	}
	snap, ok := d.assistants[id]
	if !ok {
		return nil, telephony.ErrUnknownNumber
	}
	if !snap.Config.IsActive {
		return nil, telephony.ErrInactive
	}
	return &telephony.Route{OrganizationID: OrgID, AssistantID: id, Snapshot: snap, Credentials: d.credsFor(snap, q.Carrier)}, nil
}

// credsFor gives an assistant's own carrier credentials precedence.
func (d *Directory) credsFor(snap *assistants.Snapshot, carrier string) telephony.Credentials {
	c := telephony.Credentials{OrganizationID: OrgID}
	switch carrier {
	case telephony.Twilio:
		c.Twilio = d.creds.Twilio
		if tc := snap.Config.TwilioConfig; tc != nil && tc.AccountSID != nil && tc.AuthToken != nil {
			c.AssistantID = snap.ID
			c.Twilio = &telephony.TwilioAccount{AccountSID: *tc.AccountSID, AuthToken: *tc.AuthToken}
		}
	case telephony.Telnyx:
		c.Telnyx = d.creds.Telnyx
	case telephony.Vonage:
		c.Vonage = d.creds.Vonage
	case telephony.Plivo:
		c.Plivo = d.creds.Plivo
	}
	return c
}

// SetDialVariables stores a dial's call-time variables, as the engine's
// dialer does.
func (d *Directory) SetDialVariables(dial string, vars map[string]string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dials == nil {
		d.dials = map[string]map[string]string{}
	}
	d.dials[dial] = vars
}

// Variables implements telephony.Directory.
func (d *Directory) Variables(_ context.Context, _ *telephony.Route, q telephony.Lookup) (map[string]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dials[q.Dial], nil
}

// History implements telephony.Directory from the recorded events.
func (d *Directory) History(_ context.Context, r *telephony.Route, q telephony.Lookup) ([]voice.Message, error) {
	if q.ResumeCallID != "" {
		return d.events.History(q.ResumeCallID), nil
	}
	if r.Snapshot.Config.ConversationContinuityEnabled {
		return d.events.LastHistoryWith(r.AssistantID, q.Caller), nil
	}
	return nil, nil
}

// Credentials implements telephony.Directory.
func (d *Directory) Credentials(_ context.Context, carrier string) ([]telephony.Credentials, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []telephony.Credentials{d.credsFor(&assistants.Snapshot{}, carrier)}
	if carrier == telephony.Twilio {
		for _, snap := range d.assistants {
			if c := d.credsFor(snap, carrier); c.AssistantID != 0 {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// Get implements call.Assistants.
func (d *Directory) Get(_ context.Context, _, id int64) (*assistants.Snapshot, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.assistants[id]; ok {
		return s, nil
	}
	return nil, telephony.ErrUnknownNumber
}

// Subscribe implements call.Assistants.
func (d *Directory) Subscribe(ctx context.Context, org, id int64, pid *actor.PID) (*assistants.Snapshot, error) {
	d.mu.Lock()
	d.subs[pid.String()] = true
	d.mu.Unlock()
	return d.Get(ctx, org, id)
}

// Unsubscribe implements call.Assistants.
func (d *Directory) Unsubscribe(_ int64, pid *actor.PID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.subs, pid.String())
}

// Subscribers counts calls still subscribed to their assistant.
func (d *Directory) Subscribers() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.subs)
}
