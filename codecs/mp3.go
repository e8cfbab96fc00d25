package codecs

/*
#cgo LDFLAGS: -lmp3lame
#include <stdarg.h>
#include <lame/lame.h>

// LAME prints diagnostics to stderr unless given report functions; errors
// reach Go through return codes instead.
static void codecs_lame_quiet(const char *format, va_list ap) { (void)format; (void)ap; }

static lame_t codecs_lame_open(int rate, int channels, int kbps, int quality, int tag) {
	lame_t g = lame_init();
	if (g == NULL) {
		return NULL;
	}
	lame_set_errorf(g, codecs_lame_quiet);
	lame_set_debugf(g, codecs_lame_quiet);
	lame_set_msgf(g, codecs_lame_quiet);
	lame_set_in_samplerate(g, rate);
	lame_set_out_samplerate(g, rate);
	lame_set_num_channels(g, channels);
	lame_set_mode(g, channels == 1 ? MONO : JOINT_STEREO);
	lame_set_VBR(g, vbr_off);
	lame_set_brate(g, kbps);
	lame_set_quality(g, quality);
	lame_set_bWriteVbrTag(g, tag);
	lame_set_write_id3tag_automatic(g, 0);
	if (lame_init_params(g) < 0) {
		lame_close(g);
		return NULL;
	}
	return g;
}

static int codecs_lame_encode(lame_t g, short *pcm, int frames, int channels, unsigned char *out, int size) {
	if (channels == 1) {
		return lame_encode_buffer(g, pcm, pcm, frames, out, size);
	}
	return lame_encode_buffer_interleaved(g, pcm, frames, out, size);
}
*/
import "C"

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"unsafe"
)

// MP3Options configures an MP3Encoder. Zero fields take defaults: 8000 Hz,
// mono, and a bitrate that keeps telephone speech clean (see mp3Bitrate).
type MP3Options struct {
	SampleRate int // 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100 or 48000
	Channels   int // 1, or 2 for interleaved stereo
	Bitrate    int // constant bitrate in kbit/s, valid for the rate's MPEG version
}

// lameQuality trades encoder CPU for quality (0 best … 9 fastest). lame.h
// calls 7 "OK quality, really fast": for telephone speech it sounds the
// same as 5 and costs about 40 % less (BENCHMARKS.md).
const lameQuality = 7

// emptyID3v1 is an ID3v1 tag with empty fields and no genre (255).
var emptyID3v1 = func() (t [128]byte) {
	copy(t[:], "TAG")
	t[127] = 255
	return t
}()

// mp3ChunkFrames bounds the PCM handed to LAME per call, and so the output
// buffer: LAME needs 1.25 bytes per sample frame plus 7200.
const mp3ChunkFrames = 4608

// MP3Encoder streams PCM into an MP3 file through LAME (constant bitrate,
// output sample rate equal to the input rate: no hidden resampling).
//
// MP3 decoders start with LAME's encoder delay (1105 samples) and end with
// padding to a whole frame. Made by NewMP3Encoder, the encoder writes a
// LAME tag over LAME's placeholder first frame on Close; gapless decoders
// (mpg123, ffmpeg, browsers) read the delay and padding from it and return
// exactly the samples written. Decoders without gapless support (sox, which
// uses libmad) return the delay, the tag frame (576 or 1152 samples of
// silence) and the padding as well. Made by NewMP3StreamEncoder, for
// outputs that cannot seek, the file has no tag and every decoder returns
// the delay and padding.
//
// Files end with an empty ID3v1 tag: libmad only decodes a frame once data
// follows it, so without the tag sox would drop the last frame of audio.
//
// Each encoder holds about 150 KiB of LAME state (measured). Close does not
// close the underlying writer. An MP3Encoder is not safe for concurrent use.
type MP3Encoder struct {
	lame     C.lame_t
	w        io.Writer
	seeker   io.WriteSeeker // nil without a LAME tag
	start    int64          // offset of the first frame in seeker
	channels int
	out      []byte
	err      error // first failure, returned from then on
	closed   bool
	cleanup  runtime.Cleanup
}

// NewMP3Encoder returns an encoder writing to ws from its current offset
// that writes the LAME tag on Close.
func NewMP3Encoder(ws io.WriteSeeker, o MP3Options) (*MP3Encoder, error) {
	start, err := ws.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("codecs: MP3 encoder needs a seekable output: %w", err)
	}
	return newMP3Encoder(ws, ws, start, o)
}

// NewMP3StreamEncoder returns an encoder for an output that cannot seek; the
// file has no LAME tag.
func NewMP3StreamEncoder(w io.Writer, o MP3Options) (*MP3Encoder, error) {
	return newMP3Encoder(w, nil, 0, o)
}

func newMP3Encoder(w io.Writer, ws io.WriteSeeker, start int64, o MP3Options) (*MP3Encoder, error) {
	if o.SampleRate == 0 {
		o.SampleRate = 8000
	}
	if o.Channels == 0 {
		o.Channels = 1
	}
	if o.Channels != 1 && o.Channels != 2 {
		return nil, fmt.Errorf("%w: MP3 with %d channels", ErrUnsupportedFormat, o.Channels)
	}
	bitrates, ok := mp3Bitrates(o.SampleRate)
	if !ok {
		return nil, fmt.Errorf("%w: %d Hz is not an MP3 sample rate", ErrUnsupportedRate, o.SampleRate)
	}
	if o.Bitrate == 0 {
		o.Bitrate = mp3Bitrate(o.SampleRate, o.Channels)
	}
	if !slices.Contains(bitrates, o.Bitrate) {
		return nil, fmt.Errorf("%w: %d kbit/s at %d Hz (valid: %v)", ErrUnsupportedFormat, o.Bitrate, o.SampleRate, bitrates)
	}
	if ws != nil && !lameTagFits(o) {
		return nil, fmt.Errorf("%w: %d kbit/s at %d Hz is too low to carry the LAME tag that gives decoders the exact length",
			ErrUnsupportedFormat, o.Bitrate, o.SampleRate)
	}
	tag := C.int(0)
	if ws != nil {
		tag = 1
	}
	lame := C.codecs_lame_open(C.int(o.SampleRate), C.int(o.Channels), C.int(o.Bitrate), lameQuality, tag)
	if lame == nil {
		return nil, fmt.Errorf("%w: LAME rejected %+v", ErrMP3, o)
	}
	e := &MP3Encoder{
		lame: lame, w: w, seeker: ws, start: start, channels: o.Channels,
		out: make([]byte, mp3ChunkFrames*5/4+7200),
	}
	e.cleanup = runtime.AddCleanup(e, func(l C.lame_t) { C.lame_close(l) }, lame)
	return e, nil
}

// mp3Bitrates lists the bitrates of the MPEG version that carries rate.
func mp3Bitrates(rate int) ([]int, bool) {
	switch rate {
	case 32000, 44100, 48000: // MPEG-1
		return []int{32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, true
	case 8000, 11025, 12000, 16000, 22050, 24000: // MPEG-2 and 2.5
		return []int{8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}, true
	}
	return nil, false
}

// mp3Bitrate is the default bitrate: 32 kbit/s per channel at telephone
// rates (half of G.711's 64, without audible artifacts on speech), more for
// wideband and full-band audio. Every default carries the LAME tag.
func mp3Bitrate(rate, channels int) int {
	perChannel := 32
	switch {
	case rate >= 22050:
		perChannel = 64
	case rate >= 16000:
		perChannel = 48
	}
	return perChannel * channels
}

// lameTagFits reports whether an MP3 frame at o's bitrate can hold the LAME
// tag: 4 header bytes, the side information and 156 tag bytes. LAME
// silently drops the tag when it does not fit.
func lameTagFits(o MP3Options) bool {
	samplesPerFrame, side := 576, [3]int{0, 9, 17} // MPEG-2 and 2.5
	if o.SampleRate >= 32000 {
		samplesPerFrame, side = 1152, [3]int{0, 17, 32} // MPEG-1
	}
	frameBytes := samplesPerFrame / 8 * 1000 * o.Bitrate / o.SampleRate
	return frameBytes >= 4+side[o.Channels]+156
}

// WriteSamples encodes interleaved samples (left, right for stereo).
func (e *MP3Encoder) WriteSamples(pcm []int16) error {
	switch {
	case e.closed:
		return ErrClosed
	case e.err != nil:
		return e.err
	case len(pcm)%e.channels != 0:
		return fmt.Errorf("%w: %d samples for %d channels", ErrOddLength, len(pcm), e.channels)
	}
	for len(pcm) > 0 {
		n := min(len(pcm), mp3ChunkFrames*e.channels)
		frames := n / e.channels
		got := C.codecs_lame_encode(e.lame, (*C.short)(unsafe.Pointer(&pcm[0])), C.int(frames), C.int(e.channels),
			(*C.uchar)(unsafe.Pointer(&e.out[0])), C.int(len(e.out)))
		if err := e.emit(int(got)); err != nil {
			return err
		}
		pcm = pcm[n:]
	}
	return nil
}

// emit writes the n bytes LAME produced, or records LAME's error code.
func (e *MP3Encoder) emit(n int) error {
	if n < 0 {
		e.err = fmt.Errorf("%w: LAME error %d", ErrMP3, n)
		return e.err
	}
	if _, err := e.w.Write(e.out[:n]); err != nil {
		e.err = fmt.Errorf("codecs: writing MP3: %w", err)
		return e.err
	}
	return nil
}

// Close flushes LAME's buffers (the last frame is padded with silence),
// writes the LAME tag if the output can seek, and frees the encoder. Calling
// it again does nothing.
func (e *MP3Encoder) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	defer func() {
		e.cleanup.Stop()
		C.lame_close(e.lame)
	}()
	if e.err != nil {
		return e.err
	}
	n := C.lame_encode_flush(e.lame, (*C.uchar)(unsafe.Pointer(&e.out[0])), C.int(len(e.out)))
	if err := e.emit(int(n)); err != nil {
		return err
	}
	if _, err := e.w.Write(emptyID3v1[:]); err != nil {
		return fmt.Errorf("codecs: writing MP3: %w", err)
	}
	if e.seeker == nil {
		return nil
	}
	end, err := e.seeker.Seek(0, io.SeekCurrent)
	if err == nil {
		size := int(C.lame_get_lametag_frame(e.lame, (*C.uchar)(unsafe.Pointer(&e.out[0])), C.size_t(len(e.out))))
		if size > len(e.out) {
			return fmt.Errorf("%w: LAME tag of %d bytes", ErrMP3, size)
		}
		if _, err = e.seeker.Seek(e.start, io.SeekStart); err == nil {
			if _, err = e.seeker.Write(e.out[:size]); err == nil {
				_, err = e.seeker.Seek(end, io.SeekStart)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("codecs: writing the MP3 LAME tag: %w", err)
	}
	return nil
}
