// Package elevenlabs speaks through ElevenLabs' stream-input websocket
// (…/v1/text-to-speech/{voice_id}/stream-input): it implements voice.TTS.
//
// The socket carries one generation: a BOS message with the voice settings,
// text chunks each ending with a space and flushed (the engine sends whole
// sentences or clauses), then EOS ({"text":""}); the service answers with
// base64 audio and character alignment, then isFinal, and closes. So every
// utterance takes a socket of its own at its first Send, and the session
// dials the next one while the current one finishes, keeping a warm socket
// ready. Cancel closes the utterance's socket.
//
// Audio is asked for as ulaw_8000 when the carrier wants μ-law at 8 kHz at
// unit volume (passed through untouched, so fakespeech words survive);
// otherwise as pcm_* at the nearest rate the service offers, converted
// locally. Alignment times are taken as relative to their chunk's audio
// (the reference says so; [unverified] against the live service), offset by
// the audio received before the chunk, and assembled into words timed from
// the start of the utterance.
package elevenlabs
