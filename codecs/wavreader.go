package codecs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// WAVReader reads the sample data of a WAV file. It accepts PCM16, μ-law and
// A-law (plain or WAVE_FORMAT_EXTENSIBLE), skips chunks it does not know, and
// reads a data chunk of unknown length (0xFFFFFFFF, as streaming writers
// leave it) to the end of the input. Headers that are malformed or that
// contradict themselves fail with ErrBadHeader; data that ends before the
// header says fails with ErrTruncated, when the reader is opened if the
// input can seek, else when the reading reaches the gap.
type WAVReader struct {
	r         io.Reader
	format    WAVFormat
	size      int64 // data bytes declared; -1 if unknown
	remaining int64 // data bytes left; -1 if unknown
	read      int64 // data bytes read
	buf       []byte
}

// NewWAVReader parses the header of the WAV file in r, up to the start of
// the sample data.
func NewWAVReader(r io.Reader) (*WAVReader, error) {
	var riff [12]byte
	if err := readHeader(r, riff[:], "RIFF header"); err != nil {
		return nil, err
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return nil, fmt.Errorf("%w: not a RIFF WAVE file", ErrBadHeader)
	}
	// riffLeft counts the RIFF body not yet accounted for, unless the writer
	// did not know the size.
	riffKnown := binary.LittleEndian.Uint32(riff[4:8]) != riffUnknownSize
	riffLeft := int64(binary.LittleEndian.Uint32(riff[4:8])) - 4

	var format WAVFormat
	for {
		var hdr [8]byte
		if err := readHeader(r, hdr[:], "chunk header"); err != nil {
			return nil, err
		}
		id, size := string(hdr[0:4]), int64(binary.LittleEndian.Uint32(hdr[4:8]))
		unknownData := id == "data" && size == riffUnknownSize
		if riffKnown && !unknownData {
			// A missing pad byte after the last chunk is tolerated.
			if riffLeft -= 8; size > riffLeft {
				return nil, fmt.Errorf("%w: %q chunk of %d bytes overruns the RIFF size", ErrBadHeader, id, size)
			}
			riffLeft -= size + size%2
		}
		switch id {
		case "fmt ":
			if format.Encoding != EncodingUnknown {
				return nil, fmt.Errorf("%w: second fmt chunk", ErrBadHeader)
			}
			f, err := readFmt(r, size)
			if err != nil {
				return nil, err
			}
			format = f
		case "data":
			if format.Encoding == EncodingUnknown {
				return nil, fmt.Errorf("%w: data chunk before fmt chunk", ErrBadHeader)
			}
			return newDataReader(r, format, size, unknownData)
		default:
			if err := skip(r, size+size%2); err != nil {
				return nil, fmt.Errorf("skipping %q chunk: %w", id, err)
			}
		}
	}
}

func newDataReader(r io.Reader, f WAVFormat, size int64, unknown bool) (*WAVReader, error) {
	if unknown {
		return &WAVReader{r: r, format: f, size: -1, remaining: -1}, nil
	}
	if size%int64(f.blockAlign()) != 0 {
		return nil, fmt.Errorf("%w: data size %d is not a whole number of %d-byte frames", ErrBadHeader, size, f.blockAlign())
	}
	if s, ok := r.(io.Seeker); ok {
		if left, err := remainingBytes(s); err == nil && left < size {
			return nil, fmt.Errorf("%w: header declares %d data bytes, input holds %d", ErrTruncated, size, left)
		}
	}
	return &WAVReader{r: r, format: f, size: size, remaining: size}, nil
}

// readFmt parses a fmt chunk body of the given size.
func readFmt(r io.Reader, size int64) (WAVFormat, error) {
	const maxFmt = 1 << 10 // the longest real one (EXTENSIBLE) is 40 bytes
	if size < 16 || size > maxFmt {
		return WAVFormat{}, fmt.Errorf("%w: fmt chunk of %d bytes", ErrBadHeader, size)
	}
	b := make([]byte, size+size%2)
	if err := readHeader(r, b, "fmt chunk"); err != nil {
		return WAVFormat{}, err
	}
	le := binary.LittleEndian
	tag, channels, rate := le.Uint16(b[0:]), int(le.Uint16(b[2:])), int(le.Uint32(b[4:]))
	byteRate, blockAlign, bits := int64(le.Uint32(b[8:])), int(le.Uint16(b[12:])), int(le.Uint16(b[14:]))
	if tag == wavTagExtensible {
		// cbSize (22 bytes), valid bits, channel mask, then the subformat
		// GUID, whose first two bytes are the real tag.
		if size < 40 || le.Uint16(b[16:]) < 22 {
			return WAVFormat{}, fmt.Errorf("%w: short WAVE_FORMAT_EXTENSIBLE fmt chunk", ErrBadHeader)
		}
		tag = le.Uint16(b[24:])
	}
	enc, ok := knownEncoding(tag)
	if !ok || bits != 8*enc.bytesPerSample() {
		return WAVFormat{}, fmt.Errorf("%w: WAV format tag %#x with %d bits per sample", ErrUnsupportedFormat, tag, bits)
	}
	f := WAVFormat{Encoding: enc, SampleRate: rate, Channels: channels}
	if channels < 1 || rate < 1 {
		return WAVFormat{}, fmt.Errorf("%w: %d channels at %d Hz", ErrBadHeader, channels, rate)
	}
	if err := f.validate(); err != nil {
		return WAVFormat{}, err
	}
	if blockAlign != f.blockAlign() || byteRate != int64(rate*blockAlign) {
		return WAVFormat{}, fmt.Errorf("%w: block align %d and byte rate %d contradict %d × %d-bit channels at %d Hz",
			ErrBadHeader, blockAlign, byteRate, channels, bits, rate)
	}
	return f, nil
}

// readHeader fills b, reporting a short read as truncation.
func readHeader(r io.Reader, b []byte, what string) error {
	if _, err := io.ReadFull(r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: input ends inside the %s", ErrTruncated, what)
		}
		return fmt.Errorf("codecs: reading WAV %s: %w", what, err)
	}
	return nil
}

// skip discards n bytes, seeking when it can.
func skip(r io.Reader, n int64) error {
	if s, ok := r.(io.Seeker); ok {
		if left, err := remainingBytes(s); err == nil {
			if left < n {
				return fmt.Errorf("%w: chunk of %d bytes, input holds %d", ErrTruncated, n, left)
			}
			_, err = s.Seek(n, io.SeekCurrent)
			return err
		}
	}
	if m, err := io.CopyN(io.Discard, r, n); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: chunk of %d bytes, input holds %d", ErrTruncated, n, m)
		}
		return err
	}
	return nil
}

func remainingBytes(s io.Seeker) (int64, error) {
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	_, err = s.Seek(cur, io.SeekStart)
	return end - cur, err
}

// Format is the format declared by the header.
func (r *WAVReader) Format() WAVFormat { return r.format }

// DataSize is the length of the sample data in bytes, or -1 when the header
// leaves it open (read to the end of the input).
func (r *WAVReader) DataSize() int64 { return r.size }

// Read reads raw sample data in the file's encoding. It returns io.EOF at
// the end of the data chunk and ErrTruncated if the input ends before it, or
// (for data of unknown length) ends inside a sample frame.
func (r *WAVReader) Read(p []byte) (int, error) {
	if r.remaining == 0 {
		return 0, io.EOF
	}
	if r.remaining > 0 && int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.r.Read(p)
	r.read += int64(n)
	if r.remaining > 0 {
		r.remaining -= int64(n)
	}
	if !errors.Is(err, io.EOF) {
		return n, err
	}
	switch {
	case r.remaining > 0:
		return n, fmt.Errorf("%w: %d of %d data bytes missing", ErrTruncated, r.remaining, r.size)
	case r.remaining < 0 && r.read%int64(r.format.blockAlign()) != 0:
		return n, fmt.Errorf("%w: data ends inside a sample frame", ErrTruncated)
	case r.remaining == 0 && n > 0:
		return n, nil // the data chunk ended exactly here
	}
	return n, io.EOF
}

// ReadSamples decodes up to len(dst) interleaved samples into dst and returns
// how many it wrote. It returns fewer only at the end of the data, and 0 with
// io.EOF once no samples are left.
func (r *WAVReader) ReadSamples(dst []int16) (int, error) {
	bps := r.format.Encoding.bytesPerSample()
	want := len(dst) * bps
	if cap(r.buf) < want {
		r.buf = make([]byte, want)
	}
	n, err := io.ReadFull(r, r.buf[:want])
	n -= n % bps // a partial sample only comes with ErrTruncated
	r.format.Encoding.decode(dst[:0], r.buf[:n])
	if errors.Is(err, io.ErrUnexpectedEOF) { // the data ended within dst
		err = nil
	}
	return n / bps, err
}
