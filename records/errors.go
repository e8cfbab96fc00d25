package records

import "errors"

var (
	// ErrUnavailable means the database could not be written to; what was
	// not written is kept (in memory or in the spill file) and retried.
	ErrUnavailable = errors.New("records: database unavailable")
	// ErrClosed means the writer is closed.
	ErrClosed = errors.New("records: writer closed")
	// ErrUnknownStatus means a carrier status is not one of persistence.CallStatuses.
	ErrUnknownStatus = errors.New("records: unknown call status")
	// ErrCorruptSpill means a spill file line could not be read back.
	ErrCorruptSpill = errors.New("records: corrupt spill file")
)
