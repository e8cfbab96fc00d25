package codecs

import (
	"fmt"
	"io"
)

// WAVWriter streams samples into a WAV file with bounded memory.
//
// The header is written first with the "unknown length" sizes (0xFFFFFFFF)
// that streaming writers use, so a recording cut short by a crash is still
// readable up to where it stopped. A WAVWriter made by NewWAVWriter seeks
// back on Close and writes the real sizes; one made by NewWAVStreamWriter
// (pipes, uploads) leaves them. Close does not close the underlying writer.
// A WAVWriter is not safe for concurrent use.
type WAVWriter struct {
	w       io.Writer
	seeker  io.WriteSeeker // nil when streaming
	format  WAVFormat
	start   int64 // offset of the header in seeker
	header  int64 // header length
	data    int64 // sample bytes written
	maxData int64
	buf     []byte // WriteSamples scratch
	err     error  // first write error, returned from then on
	closed  bool
}

// NewWAVWriter writes a WAV header for f at the current offset of ws and
// returns a writer that fixes the header up on Close.
func NewWAVWriter(ws io.WriteSeeker, f WAVFormat) (*WAVWriter, error) {
	start, err := ws.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("codecs: WAV writer needs a seekable output: %w", err)
	}
	return newWAVWriter(ws, ws, start, f)
}

// NewWAVStreamWriter writes a WAV header for f to w and returns a writer for
// an output that cannot seek; the header keeps its unknown-length sizes.
func NewWAVStreamWriter(w io.Writer, f WAVFormat) (*WAVWriter, error) {
	return newWAVWriter(w, nil, 0, f)
}

func newWAVWriter(w io.Writer, ws io.WriteSeeker, start int64, f WAVFormat) (*WAVWriter, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	hdr := make([]byte, 0, 58)
	hdr = append(hdr, "RIFF"...)
	hdr = le32(hdr, riffUnknownSize)
	hdr = append(hdr, "WAVEfmt "...)
	body := f.fmtChunk()
	hdr = le32(hdr, uint32(len(body)))
	hdr = append(hdr, body...)
	if f.Encoding != EncodingPCM16 {
		hdr = append(hdr, "fact"...)
		hdr = le32(hdr, 4)
		hdr = le32(hdr, riffUnknownSize) // sample frames
	}
	hdr = append(hdr, "data"...)
	hdr = le32(hdr, riffUnknownSize)
	if _, err := w.Write(hdr); err != nil {
		return nil, fmt.Errorf("codecs: writing WAV header: %w", err)
	}
	// The RIFF size (everything after its own 8 bytes) must stay below the
	// unknown-size marker, counting a pad byte.
	maxData := int64(riffUnknownSize-1) - (int64(len(hdr)) - 8) - 1
	maxData -= maxData % int64(f.blockAlign())
	return &WAVWriter{w: w, seeker: ws, format: f, start: start, header: int64(len(hdr)), maxData: maxData}, nil
}

// Format is the format given at construction.
func (w *WAVWriter) Format() WAVFormat { return w.format }

// Write appends sample data already in the file's encoding (PCM16 as
// little-endian bytes), whole sample frames only.
func (w *WAVWriter) Write(p []byte) (int, error) {
	switch {
	case w.closed:
		return 0, ErrClosed
	case w.err != nil:
		return 0, w.err
	case len(p)%w.format.blockAlign() != 0:
		return 0, fmt.Errorf("%w: %d bytes of %d-byte WAV frames", ErrOddLength, len(p), w.format.blockAlign())
	case w.data+int64(len(p)) > w.maxData:
		return 0, fmt.Errorf("%w: %d bytes written, %d more", ErrTooLarge, w.data, len(p))
	}
	n, err := w.w.Write(p)
	w.data += int64(n)
	if err != nil {
		w.err = fmt.Errorf("codecs: writing WAV data: %w", err)
		return n, w.err
	}
	return n, nil
}

// WriteSamples encodes interleaved linear samples into the file's encoding
// and appends them.
func (w *WAVWriter) WriteSamples(pcm []int16) error {
	if len(pcm)%w.format.Channels != 0 {
		return fmt.Errorf("%w: %d samples for %d channels", ErrOddLength, len(pcm), w.format.Channels)
	}
	w.buf = w.format.Encoding.encode(w.buf[:0], pcm)
	_, err := w.Write(w.buf)
	return err
}

// Close pads the data chunk to an even length, writes the final sizes into
// the header when the output can seek, and leaves the output positioned at
// the end of the file. Calling it again does nothing.
func (w *WAVWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	pad := w.data % 2
	if pad == 1 {
		if _, err := w.w.Write([]byte{0}); err != nil {
			return fmt.Errorf("codecs: writing WAV pad byte: %w", err)
		}
	}
	if w.seeker == nil {
		return nil
	}
	fix := func(off int64, v uint32) error {
		if _, err := w.seeker.Seek(w.start+off, io.SeekStart); err != nil {
			return err
		}
		_, err := w.seeker.Write(le32(nil, v))
		return err
	}
	err := fix(4, uint32(w.header-8+w.data+pad))
	if err == nil && w.format.Encoding != EncodingPCM16 {
		err = fix(w.header-12, uint32(w.data/int64(w.format.blockAlign())))
	}
	if err == nil {
		err = fix(w.header-4, uint32(w.data))
	}
	if err == nil {
		_, err = w.seeker.Seek(w.start+w.header+w.data+pad, io.SeekStart)
	}
	if err != nil {
		return fmt.Errorf("codecs: fixing up WAV header: %w", err)
	}
	return nil
}
