// Package deepgram connects the call engine's speech recognition
// (voice.STT) to Deepgram's streaming APIs: v1 live (/v1/listen, Nova
// models) and Flux (/v2/listen, turn-based). UsesFlux says which one a
// call's settings select; url.go says how each setting is mapped.
//
// A stream survives dropped connections (network errors, abnormal closes,
// NET-0001, 5xx refusals, a service that stops answering): it reconnects
// with capped exponential backoff and replays the audio the service had not
// finalized yet, then carries on with new audio. Times in events stay on
// the timeline of the audio the engine sent, and what a replay repeats is
// dropped, so every word arrives exactly once in a final. It reports each
// drop as a non-fatal voice.STTError and gives up, fatally, on a refusal
// that will not pass (401, 403, 400) or after Config.MaxAttempts attempts
// in a row without progress.
//
// Audio is queued in memory, never waiting for the network: up to
// Config.MaxBuffered of it between what the service has finalized and what
// the engine sent last. If the service falls that far behind, the oldest
// audio is discarded (and reported with ErrAudioDropped), so a stalled
// service costs memory bounded per call and the newest speech is kept.
package deepgram
