package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/persistence"
)

// sharedSounds keeps uploaded background sounds in PostgreSQL, where
// every node of a cluster reads them.
type sharedSounds struct{ store *persistence.Store }

func (s sharedSounds) PutSound(ctx context.Context, key string, data []byte) error {
	return s.store.PutSound(ctx, key, data)
}

func (s sharedSounds) SoundData(ctx context.Context, key string) ([]byte, error) {
	data, err := s.store.SoundData(ctx, key)
	if errors.Is(err, persistence.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ambience.ErrUnknownSound, err)
	}
	return data, err
}

func (s sharedSounds) MissingSounds(ctx context.Context, keys []string) ([]string, error) {
	return s.store.MissingSounds(ctx, keys)
}

// shareSounds puts the sounds uploaded to this node before sounds were
// kept in the database where the other nodes read them.
func (e *Engine) shareSounds(ctx context.Context) {
	n, err := e.Sounds.ShareCached(ctx)
	if err != nil {
		e.Log.Warn("sharing the background sounds uploaded to this node", "shared", n, "err", err)
		return
	}
	if n > 0 {
		e.Log.Info("background sounds uploaded to this node shared with the others", "shared", n)
	}
}
