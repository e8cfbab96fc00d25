package voice

import "errors"

// ErrNoCapacity refuses a stream because every provider key that could
// serve it is at its concurrency limit. Retrying at once is pointless; a
// call that cannot get its first stream ends instead of going deaf or mute.
var ErrNoCapacity = errors.New("voice: no provider capacity")

// ErrAudioLost reports caller audio a recognition stream discarded
// unheard: the words in it are lost, whatever the stream does next.
var ErrAudioLost = errors.New("voice: caller audio lost")
