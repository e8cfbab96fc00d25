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
// # Memory and disk
//
// The call's actor only decodes frames into the window and hands finished
// 100 ms chunks to one writer goroutine per recorder, which resamples,
// mixes, encodes and writes through small buffers; the actor never waits on
// the disk. At most Backlog of audio (5 s by default) is queued for the
// writer: when the disk is slower than that, further chunks are dropped,
// counted in Stats.Dropped, and written as silence once the writer catches
// up, so every file keeps its length and alignment.
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
