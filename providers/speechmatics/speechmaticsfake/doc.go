// Package speechmaticsfake is a loopback fake of Speechmatics' real-time
// websocket API (/v2), for tests, benchmarks and the credential-free demo.
//
// It hears what the caller says from the audio itself: words are encoded
// in the frames by internal/fakespeech, and everything is decided on audio
// time (frames received × 20 ms), so the same audio always yields the same
// messages. Only the delivery delay (Config.Delay) and the idle timeout run
// on Config.Clock.
//
// What it does: "Authorization: Bearer <key>" is checked at the handshake
// (401 otherwise); StartRecognition is checked (raw pcm_s16le or mulaw
// with a sample rate, a language, operating_point standard|enhanced,
// max_delay 0.7–4, end_of_utterance_silence_trigger 0–2) and answered by
// RecognitionStarted, or by an Error (invalid_config, invalid_audio_type,
// protocol_error) and a close. Every binary message is an AddAudio,
// acknowledged by AudioAdded with its number. With enable_partials, an
// AddPartialTranscript of the words not final yet goes out whenever a word
// starts or ends. A word becomes final max_delay of audio after it ends
// (AddTranscript; with several words pending they go together), and an
// empty AddTranscript goes out every Config.FinalInterval of quiet audio.
// With end_of_utterance_silence_trigger, after that much silence following
// a word the pending words are finalized, with a period attached to the
// last, and EndOfUtterance follows. ForceEndOfUtterance does the same at
// once. EndOfStream finalizes everything, checks last_seq_no, and is
// answered by EndOfTranscript and a normal close. A connection idle for
// Config.IdleTimeout gets Error idle_timeout and a close 1008.
//
// Faults come from Config.Faults: refusals and error statuses before the
// upgrade, and Drop or Stall after fault.After messages.
package speechmaticsfake
