// Package actors sets up the actor system every assistant and call actor
// lives in.
package actors

import (
	"context"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// NewSystem returns an actor system logging through log. Proto.Actor logs
// crashes at Info without a stack, so supervision events are logged here at
// Error instead, and its own chatter is kept at Warn.
func NewSystem(log *slog.Logger) *actor.ActorSystem {
	quiet := slog.New(levelFloor{remoteGone{log.Handler()}, slog.LevelWarn}).With("component", "actors")
	sys := actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return quiet }),
		actor.WithDeadLetterThrottleCount(3),
		actor.WithDeadLetterThrottleInterval(time.Second),
		actor.WithDeadLetterRequestLogging(false),
	)
	sys.EventStream.Subscribe(func(evt any) {
		if e, ok := evt.(*actor.SupervisorEvent); ok {
			log.Error("actor failed", "actor", e.Child.Id, "directive", e.Directive.String(), "reason", e.Reason)
		}
	})
	return sys
}

// levelFloor drops records below a minimum level.
type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFloor) WithAttrs(as []slog.Attr) slog.Handler {
	return levelFloor{h.Handler.WithAttrs(as), h.min}
}

func (h levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{h.Handler.WithGroup(name), h.min}
}

// lostConnection is what proto.actor's remote logs at Error whenever a
// peer's stream ends, a member draining away included. The cluster's
// membership says why a member left; this is a warning beside it.
const lostConnection = "EndpointWriter lost connection"

// remoteGone logs lostConnection at Warn.
type remoteGone struct{ slog.Handler }

func (h remoteGone) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == lostConnection && r.Level == slog.LevelError {
		r.Level = slog.LevelWarn
	}
	return h.Handler.Handle(ctx, r)
}

func (h remoteGone) WithAttrs(as []slog.Attr) slog.Handler {
	return remoteGone{h.Handler.WithAttrs(as)}
}

func (h remoteGone) WithGroup(name string) slog.Handler { return remoteGone{h.Handler.WithGroup(name)} }
