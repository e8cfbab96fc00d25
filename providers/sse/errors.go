package sse

import "errors"

var (
	// ErrTooLong is returned for a line or an event larger than the
	// reader's limit: a broken or hostile stream.
	ErrTooLong = errors.New("sse: line or event too long")
	// ErrStalled is returned when a stream sent nothing for its idle timeout.
	ErrStalled = errors.New("sse: stream stalled")
)
