// Package scribe connects the call engine's speech recognition (voice.STT)
// to ElevenLabs Scribe realtime (scribe_v2_realtime) over its websocket API
// (wss://api.elevenlabs.io/v1/speech-to-text/realtime). The key goes in the
// xi-api-key header and the session's configuration in the query (see
// query); the service answers session_started before any audio. Audio
// goes as JSON text messages (input_audio_chunk, base64); a chunk with
// commit true commits the segment, which backs STTStream.Finalize, the
// manual commit strategy and the end of the audio.
//
// Scribe's partial transcripts carry no times, and it may say nothing for
// long stretches. The client therefore keeps its own view of the audio it
// sends (hearing: where sound starts and stops), from which it derives
// speech starts, the times of words the service does not time, the
// commits of the manual strategy, and the quiet-service rule of sttsocket
// (only sound can stall a connection; audio the service let pass in
// silence is released from the replay buffer). recognizer says how the
// messages become voice events.
package scribe
