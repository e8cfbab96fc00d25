// Package ambience plays a background sound (an office, a café, a call
// centre, or an uploaded recording) under the assistant's voice on a call.
//
// A Sound is decoded, validated and turned to mono once, then shared
// read-only by every call that uses it; it is resampled once per carrier
// rate, on first use. A Bed is one call's cursor over a Sound: each 20 ms
// frame it either mixes the ambience under a frame of the assistant's voice
// (Mix) or produces the ambience alone for the silence between replies
// (Next), in the carrier's own format, with no allocation per frame. A
// Library stores uploaded sounds under content-addressed keys, fetches
// sound URLs, and caches what it decoded.
//
// Uploads may be WAV (PCM16, μ-law or A-law, any channel count) or MP3
// (MPEG-1 and MPEG-2, 16–48 kHz), at most MaxBytes long, lasting
// MinDuration to MaxDuration, at one of the rates codecs.Resampler
// converts (8, 16, 22.05, 24, 44.1 or 48 kHz).
package ambience
