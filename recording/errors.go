package recording

import "errors"

var (
	// ErrSettings is returned by Start for recording settings it cannot honour
	// (format, sample rate, channels, or a recordings_dir outside the root).
	ErrSettings = errors.New("recording: invalid settings")

	// ErrInputFormat is returned by Start for an input format the recorder
	// cannot decode or resample.
	ErrInputFormat = errors.New("recording: unsupported input format")

	// ErrCallID is returned by Start for a call ID that is not a safe file
	// name: empty, too long, starting with a dot, or holding characters other
	// than letters, digits and "-_.:".
	ErrCallID = errors.New("recording: call ID is not a safe file name")

	// ErrClosed is returned by a second Close.
	ErrClosed = errors.New("recording: recorder is closed")
)
