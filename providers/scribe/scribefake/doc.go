// Package scribefake is a loopback fake of ElevenLabs Scribe realtime's
// websocket API (/v1/speech-to-text/realtime), for tests, benchmarks and
// the credential-free demo.
//
// It hears what the caller says from the audio itself: words are encoded
// in the frames by internal/fakespeech, and everything is decided on audio
// time (frames received × 20 ms), so the same audio always yields the same
// messages. Only the delivery delay (Config.Delay) and the idle timeout run
// on Config.Clock.
//
// What it does: the xi-api-key header is checked at the handshake (401
// otherwise). The query is checked as Scribe does (model_id
// scribe_v2_realtime; audio_format pcm_8000…pcm_48000 or ulaw_8000;
// commit_strategy manual|vad; vad_silence_threshold_secs over 0.3 and at
// most 3; vad_threshold 0.1–0.9; min_speech_duration_ms and
// min_silence_duration_ms over 50 and at most 2000; include_timestamps and
// include_language_detection true|false); a bad one is answered by an
// input_error message and a close 1008, a good one by session_started with
// the configuration. Audio comes as input_audio_chunk text messages
// (base64, its sample_rate must be the format's); anything else is an
// input_error. A segment opens with the first word; a partial_transcript of
// the segment's words goes out when a word starts or ends and every
// second of audio while the segment is open, changed or not, as Scribe
// does. A segment is committed by a chunk with commit true (manual, or any
// strategy), or under vad after vad_silence_threshold_secs of silence
// following at least min_speech_duration_ms of speech: committed_transcript
// (a period on the last word), then committed_transcript_with_timestamps
// with include_timestamps (words with start, end and logprob, spacing
// between them; language_code with include_language_detection), then the
// committed text once more as a partial. A commit with nothing heard is
// answered by an empty committed_transcript. The service never closes by
// itself; a connection idle for Config.IdleTimeout gets
// session_time_limit_exceeded and a close 1008.
//
// Faults come from Config.Faults: refusals and error statuses before the
// upgrade, and Drop or Stall after fault.After messages.
package scribefake
