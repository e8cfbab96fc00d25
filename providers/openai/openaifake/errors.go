package openaifake

import "errors"

// ErrScript is returned for a script that cannot run.
var ErrScript = errors.New("openaifake: invalid script")

// ErrClosed ends the streams of a fake being closed.
var ErrClosed = errors.New("openaifake: closed")
