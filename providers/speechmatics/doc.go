// Package speechmatics connects the call engine's speech recognition
// (voice.STT) to Speechmatics' real-time websocket API
// (wss://{eu2,us2}.rt.speechmatics.com/v2, by speechmatics_config.region).
// The key goes in the handshake (Authorization: Bearer); a connection
// starts with StartRecognition (see startMessage) and waits for
// RecognitionStarted before any audio; each binary message is one AddAudio,
// acknowledged by AudioAdded; ForceEndOfUtterance backs
// STTStream.Finalize, and EndOfStream with the number of the last AddAudio
// ends the audio.
//
// recognizer says how the transcripts become voice events and what the
// client derives because Speechmatics does not signal it (speech starts).
// Reconnection, replay of the audio not yet final and stall detection are
// sttsocket's; an Error message ends the connection, and those a new
// connection would meet again (not_authorised, invalid_config, …) end the
// stream.
package speechmatics
