// Package deepgramfake is a loopback fake of Deepgram's streaming
// speech-to-text: the v1 live API (/v1/listen) and Flux (/v2/listen), for
// tests, benchmarks and the credential-free demo.
//
// It hears what the caller says from the audio itself: words are encoded
// in μ-law frames by internal/fakespeech (word, continuation, noise and
// silence frames), so the "script" of a fake call is the audio the caller
// side sends. Everything is decided on audio time (frames received × 20
// ms), never wall time, so the same audio always yields the same messages
// with the same timings; the only wall-clock behaviour is the configurable
// delivery delay (Config.Delay) and the idle timeout (NET-0001), both on
// Config.Clock.
//
// What it does, per protocol:
//
// v1: interim Results while words are spoken (interim_results); a final
// Results at the end of a segment: when endpointing ms of silence follow
// speech (speech_final), when a segment reaches Config.MaxSegment at a
// pause, on Finalize (from_finalize) and on CloseStream; UtteranceEnd after
// utterance_end_ms of silence after the last word; SpeechStarted
// (vad_events) on the first speech or noise frame after silence. Words
// carry their frames' timings and confidence; punctuate or smart_format
// capitalise an utterance's first word and end it with a period. KeepAlive,
// Finalize and CloseStream (remaining results, Metadata, close 1000) are
// handled; a connection idle for Config.IdleTimeout is closed with 1011
// and NET-0001's reason.
//
// Flux: Connected, then TurnInfo events: StartOfTurn on a turn's first
// word, Update every 0.25 s of audio when nothing else was sent,
// EagerEndOfTurn (with eager_eot_threshold) and EndOfTurn when the silence
// after the last word reaches the thresholds scaled by
// Config.FluxEOTSilence (or eot_timeout_ms), TurnResumed when speech comes
// back after an EagerEndOfTurn, ForceEndTurn (trigger "manual"),
// Configure/ConfigureSuccess/ConfigureFailure, and CloseStream (a last
// Update, then a close without status, as Flux documents).
//
// Faults come from Config.Faults: refusals and error statuses before the
// upgrade (fault.Injector's middleware, with Deepgram-shaped bodies), and
// Drop (the TCP connection is cut with no close frame) or Stall (the fake
// goes silent) after fault.After messages.
package deepgramfake
