package assistants

import "errors"

var (
	// ErrNotFound means the assistant does not exist in the caller's organization.
	ErrNotFound = errors.New("assistant not found")
	// ErrHistoryNotFound means the settings-history entry does not exist for the assistant.
	ErrHistoryNotFound = errors.New("settings history entry not found")
	// ErrUnavailable means the assistant could not be loaded or saved right now.
	ErrUnavailable = errors.New("assistant store unavailable")
	// ErrRejected means the database refused a value of the write: it
	// cannot succeed as sent.
	ErrRejected = errors.New("assistant write refused by the database")
	// ErrCrashed means the assistant's actor failed while handling the request; it has been restarted.
	ErrCrashed = errors.New("assistant actor failed and was restarted")
)
