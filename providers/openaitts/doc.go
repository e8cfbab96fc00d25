// Package openaitts speaks through OpenAI's /audio/speech endpoint: it
// implements voice.TTS over HTTP.
//
// Each text chunk is one POST with response_format pcm (raw 24 kHz 16-bit
// mono), streamed as it arrives. Chunks play strictly in order; the next
// chunk's request runs while the current one plays, so that its first
// audio is ready when the current one ends. The audio is resampled to the
// carrier's rate, with one resampler per utterance so that chunk
// boundaries leave no clicks, and encoded to its format. Cancel aborts the
// requests in flight. OpenAI reports no word timings.
package openaitts
