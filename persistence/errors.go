package persistence

import "errors"

var (
	// ErrNotFound means the row does not exist (or belongs to another organization).
	ErrNotFound = errors.New("persistence: not found")
	// ErrVersionConflict means another writer changed the row first.
	ErrVersionConflict = errors.New("persistence: version conflict")
	// ErrDuplicate means a unique value is already taken.
	ErrDuplicate = errors.New("persistence: already exists")
	// ErrStaleClaim means a queued job was claimed again since this claim
	// (its lease ran out): the claim's outcome is not recorded.
	ErrStaleClaim = errors.New("persistence: stale claim")
)
