// Package recording records one call to disk as it happens: the caller
// track ("user"), what the assistant actually played ("assistant"), and the
// two together ("mixed"), each in its own WAV or MP3 file.
//
// # Call clock and alignment
//
// Every frame is stamped with its offset on the call clock: caller audio
// with when it arrived, assistant audio with when it is scheduled to play.
// Sample i of every track is the audio at offset i/SampleRate, so a word the
// caller spoke at 2.0 s is at 2.0 s in every file (the resampler's delay is
// compensated). Offsets no frame covered are silence. A frame that overlaps
// audio already given on the same track replaces it (the newest schedule
// wins); a frame, or the part of one, whose time has already been written
// is dropped and counted in Stats.Late.
//
// # Look-ahead window and truncation
//
// Audio is held in memory, unwritten, until the newest audio on either
// track is Window past it (300 ms by default). Assistant audio is scheduled
// a little ahead of when it plays, so when a barge-in clears it,
// Truncate(from) can still silence everything scheduled at or after from:
// the assistant track then holds only what the caller heard. Audio already
// written cannot be removed; how much a Truncate missed is counted in
// Stats.TruncateMissed.
//
// # Memory, disk and encoding
//
// While the call lasts, its actor only copies frames into the window, in
// the input's own encoding (a byte a sample for G.711), and appends finished
// 100 ms chunks, raw, to the call's spool file through a small buffer: no
// decoding, no encoder, no goroutine, a write system call about twice a
// second. When the call ends, Close decodes the spool and encodes the
// tracks (resample, mix, WAV or MP3) on the goroutine that calls it, once
// one of the node's Encoders is free, and removes the spool. A spool write that
// fails (a full disk) loses the rest of the recording: it is counted in
// Stats.Dropped, written as silence, and Close returns the error.
//
// # Tracks and layout
//
// "user" is recorded when RecordUserAudio or RecordUserOnlyTrack is set,
// "assistant" when RecordAssistantAudio is, and "mixed" when
// RecordMixedAudio is. The user and assistant tracks hold one voice each and
// are always mono; Channels applies to the mixed track: with 1 the two
// voices are summed through codecs.MixInto's soft limiter (no wrap-around,
// no hard clipping), with 2 the caller is on the left and the assistant on
// the right, as carriers' dual-channel recordings are. Every track is
// padded with silence to the call's length given to Close.
package recording
