// Package cartesia speaks through Cartesia's TTS websocket (/tts/websocket,
// authenticated with X-API-Key and Cartesia-Version): it implements
// voice.TTS.
//
// A session keeps one socket; each utterance is a context of its own: text
// chunks are generation requests with continue true, End sends an empty
// transcript with continue false, and the context's done message ends the
// utterance. Cancel sends {"context_id":…,"cancel":true} and the reader
// drops the context's late messages, so the socket stays usable at once.
// Audio is raw (pcm_mulaw, pcm_alaw or pcm_s16le) in the carrier's format
// where the service offers it; word timestamps, seconds from the start of
// the context's audio, become TTSAudio.Words.
package cartesia
