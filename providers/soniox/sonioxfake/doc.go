// Package sonioxfake is a loopback fake of Soniox's real-time
// speech-to-text websocket (/transcribe-websocket), for tests, benchmarks
// and the credential-free demo.
//
// It hears what the caller says from the audio itself: words are encoded
// in the frames by internal/fakespeech, and everything is decided on audio
// time (frames received × 20 ms), so the same audio always yields the same
// responses. Only the delivery delay (Config.Delay) and the idle timeout
// run on Config.Clock.
//
// What it does: authentication by "Authorization: Bearer <key>" (or the
// deprecated api_key of the start request); the start request is checked
// (model stt-rt-…, a raw audio_format it simulates: pcm_s16le, mulaw,
// alaw; sample_rate; num_channels 1; max_endpoint_delay_ms 500–3000) and a
// bad one answered with an error response and a close, as Soniox does.
// Words come back as tokens, words longer than four letters in two pieces,
// every word but the connection's first with a leading space: non-final
// while spoken, final once the word ends. A response goes out whenever
// tokens become final and every Config.ResponseInterval of audio besides,
// with final_audio_proc_ms and total_audio_proc_ms. With
// enable_endpoint_detection, an <end> token follows Config.EndpointSilence
// of silence after a word (capped by max_endpoint_delay_ms). A finalize
// message finalizes everything and answers <fin>; keepalive is counted; an
// empty binary message ends the audio: the last finals, then
// {"finished": true} and a normal close. A connection idle for
// Config.IdleTimeout gets error 408 and is closed.
//
// Faults come from Config.Faults: refusals and error statuses before the
// upgrade, and Drop or Stall after fault.After responses.
package sonioxfake
