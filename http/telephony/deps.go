package telephony

import (
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
