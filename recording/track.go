package recording

import (
	"encoding/binary"
	"fmt"
	"os"
	"time"
	"unsafe"

	"github.com/switchboard-voice/switchboard/codecs"
)

// Track kinds.
const (
	KindUser      = "user"
	KindAssistant = "assistant"
	KindMixed     = "mixed"
)

// Track describes one finished recording file.
type Track struct {
	Kind       string // KindUser, KindAssistant or KindMixed
	Path       string // the file, under the recordings root
	Format     string // "wav" or "mp3"
	SampleRate int
	Channels   int
	Duration   time.Duration // exact: the samples written per channel
	Size       int64         // bytes on disk
}

// encoder is what codecs.WAVWriter and codecs.MP3Encoder have in common.
type encoder interface {
	WriteSamples(pcm []int16) error
	Close() error
}

// trackFile is one open track: its file, the buffer in front of it and its
// encoder. Only the writer goroutine touches it after Start.
type trackFile struct {
	Track
	file    *bufferedFile
	enc     encoder
	wav     *codecs.WAVWriter // enc, when it is a WAV writer
	samples int64             // per channel
}

// littleEndian reports whether int16 samples in memory are already WAV's
// little-endian PCM16. codecs.EncodePCM16LE costs about 2.5 ns a sample
// (its loop goes through the binary.ByteOrder interface), a fifth of a WAV
// recording's CPU; on such hosts the samples are written as they are.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// openTrack creates the file (refusing to overwrite one) and its encoder.
func openTrack(root *os.Root, rel, abs string, t Track) (*trackFile, error) {
	f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("recording: creating %s track: %w", t.Kind, err)
	}
	bf := newBufferedFile(f)
	var enc encoder
	if t.Format == "mp3" {
		enc, err = codecs.NewMP3Encoder(bf, codecs.MP3Options{SampleRate: t.SampleRate, Channels: t.Channels})
	} else {
		enc, err = codecs.NewWAVWriter(bf, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: t.SampleRate, Channels: t.Channels})
	}
	if err != nil {
		_ = f.Close()
		_ = root.Remove(rel)
		return nil, fmt.Errorf("recording: %s track encoder: %w", t.Kind, err)
	}
	t.Path = abs
	tf := &trackFile{Track: t, file: bf, enc: enc}
	tf.wav, _ = enc.(*codecs.WAVWriter)
	return tf, nil
}

// write encodes interleaved samples.
func (t *trackFile) write(pcm []int16) error {
	t.samples += int64(len(pcm) / t.Channels)
	if t.wav != nil && littleEndian && len(pcm) > 0 {
		_, err := t.wav.Write(unsafe.Slice((*byte)(unsafe.Pointer(&pcm[0])), 2*len(pcm)))
		return err
	}
	return t.enc.WriteSamples(pcm)
}

// finish finalizes the encoder, flushes and closes the file and fills in
// Duration and Size.
func (t *trackFile) finish() error {
	err := t.enc.Close()
	size, cerr := t.file.close()
	if err == nil {
		err = cerr
	}
	t.Size = size
	t.Duration = time.Duration(t.samples * int64(time.Second) / int64(t.SampleRate))
	if err != nil {
		return fmt.Errorf("recording: finishing %s track: %w", t.Kind, err)
	}
	return nil
}

// abort closes the file after a failed Start and removes it.
func (t *trackFile) abort(root *os.Root, rel string) {
	_ = t.enc.Close()
	_, _ = t.file.close()
	_ = root.Remove(rel)
}
