package voice

import "errors"

// ErrNoCapacity refuses a stream because every provider key that could
// serve it is at its concurrency limit. Retrying at once is pointless; a
// call that cannot get its first stream ends instead of going deaf or mute.
var ErrNoCapacity = errors.New("voice: no provider capacity")
