package telephony

import (
	"context"
	"errors"
	"log/slog"

	"github.com/switchboard-voice/switchboard/actors/call"
)

// Deps are what every gateway needs from the engine.
type Deps struct {
	Calls     *call.Manager
	Directory Directory
	Tickets   *Tickets
	Hub       *Hub
	Status    StatusRecorder // nil: status callbacks are acknowledged and logged only
	Started   StartedCalls   // nil: only calls live on this node are known
	Public    PublicURL
	Log       *slog.Logger
}

// Check reports a missing dependency and fills in defaults.
func (d *Deps) Check() error {
	switch {
	case d.Calls == nil:
		return errors.New("telephony: no call manager")
	case d.Directory == nil:
		return errors.New("telephony: no directory")
	case d.Tickets == nil:
		return errors.New("telephony: no tickets")
	case d.Hub == nil:
		return errors.New("telephony: no hub")
	case d.Public.String() == "":
		return errors.New("telephony: no public URL")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// StartedCalls knows the calls that started their conversation, on any
// node, live or ended (*persistence.Store).
type StartedCalls interface {
	CallStarted(ctx context.Context, carrier, callSID string) (bool, error)
}

// Replayed reports whether a webhook that would start a call is for one
// that exists: live here, or recorded as started. While the records cannot
// be read, only live calls count (a new call is not refused for that).
func (d *Deps) Replayed(ctx context.Context, carrier, callSID string) bool {
	if _, live := d.Calls.Get(callSID); live {
		return true
	}
	if d.Started == nil {
		return false
	}
	started, err := d.Started.CallStarted(ctx, carrier, callSID)
	if err != nil {
		d.Log.Warn("replayed webhooks not checked against the records", "call_sid", callSID, "err", err)
	}
	return started
}
