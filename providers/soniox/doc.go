// Package soniox connects the call engine's speech recognition (voice.STT)
// to Soniox's real-time websocket API (wss://stt-rt.soniox.com/
// transcribe-websocket). A connection is authenticated by its handshake
// (Authorization: Bearer), starts with a JSON start request mapping the
// assistant's settings (see startMessage), then carries the caller's audio
// raw in binary messages; {"type":"finalize"} backs STTStream.Finalize,
// {"type":"keepalive"} keeps an idle connection open, and an empty binary
// message ends the audio.
//
// Soniox answers with tokens, final or not, timed in milliseconds of the
// connection's audio; recognizer says how they become voice events, and
// what the client derives because Soniox does not signal it (speech
// starts, and the end of turn after utterance_silence_timeout). Reconnection,
// replay of the audio not yet final, keepalives and stall detection are
// sttsocket's; an error response ends the connection, and 400–403 end the
// stream.
package soniox
