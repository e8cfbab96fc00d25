// Package sttsocket is the streaming-recognition machinery the websocket
// recognisers (Deepgram, Soniox, Speechmatics, ElevenLabs Scribe) share: an outbox that never
// blocks the engine, a writer that sends audio and controls, keeps idle
// connections alive and detects a service that stopped answering, and
// reconnection with capped exponential backoff that replays the audio the
// service had not finalized yet. A provider supplies a Protocol: how to
// dial, what to send first, how audio and controls are framed, and a
// Recognizer that maps its messages onto voice events.
//
// Times in events stay on the timeline of the audio the engine sent
// (Timeline), and what a replay repeats is dropped, so every word arrives
// exactly once in a final. Each drop is reported as a non-fatal
// voice.STTError; the stream gives up, fatally, on a refusal that will not
// pass, on a ServerError marked Permanent, or after Config.MaxAttempts
// attempts in a row without progress.
//
// Audio is queued in memory, never waiting for the network: up to
// Config.MaxBuffered of it between what the service has finalized and what
// the engine sent last. If the service falls that far behind, the oldest
// audio is discarded (and reported with ErrAudioDropped).
package sttsocket
