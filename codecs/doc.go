// Package codecs holds the audio primitives shared by the call engine, the
// carrier gateways and the recorder: G.711 μ-law and A-law, PCM16 layout
// conversions, gain and mixing, a streaming polyphase resampler, 20 ms
// framing and pacing, levels, a voice activity detector, and WAV and MP3
// writers.
//
// Sample buffers are mono int16 unless a function says otherwise; stereo data
// is interleaved (left, right). Functions that produce samples append to a
// caller-supplied dst slice and return it, like strconv.AppendInt, so a caller
// that reuses its buffers (dst = codecs.DecodeUlaw(dst[:0], payload)) does no
// allocation per 20 ms frame.
//
// # Build requirements
//
// The MP3 encoder (mp3.go) is a cgo binding to LAME, so building this package
// with MP3 support needs cgo and Debian's libmp3lame-dev (libmp3lame0 at run
// time). With CGO_ENABLED=0 the MP3 symbols do not exist and code that uses
// them fails to compile; nothing is dropped silently. WAV needs no C library
// and is the always-available recording format.
package codecs
