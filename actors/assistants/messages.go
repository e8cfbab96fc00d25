package assistants

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
)

// Requests the registry sends an assistant actor. Each is answered with a
// *reply.
type (
	getRequest    struct{ orgID int64 }
	createRequest struct {
		by    auth.Principal
		write assistant.Write
	}
	writeRequest struct {
		by         auth.Principal
		write      assistant.Write
		changeType string // update or status
	}
	rollbackRequest struct {
		by          auth.Principal
		historyID   int64
		description *string
	}
	deleteRequest    struct{ by auth.Principal }
	subscribeRequest struct {
		orgID int64
		pid   *actor.PID
	}
	unsubscribeRequest struct{ pid *actor.PID }
)

// reply answers every request: the committed snapshot or an error.
type reply struct {
	snap *Snapshot
	err  error
}
