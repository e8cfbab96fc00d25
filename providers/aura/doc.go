// Package aura speaks through Deepgram Aura's /v1/speak websocket: it
// implements voice.TTS.
//
// A session keeps one socket for all its utterances: each text chunk is a
// Speak message (the service synthesises sentences as they complete), End
// sends a Flush, and the Flushed that answers it ends the utterance. Cancel
// sends Clear and drops whatever arrives until Cleared, so the socket stays
// usable at once. Audio arrives in binary frames in the requested encoding
// (mulaw, alaw or linear16) and rate; Aura reports no word timings.
// Flushes are limited by the service to 20 a minute: an utterance with no
// text spends none, and a refused Flush fails its utterance instead of
// leaving it waiting.
package aura
