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
