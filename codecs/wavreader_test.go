package codecs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// memFile is an in-memory io.WriteSeeker.
type memFile struct {
	b   []byte
	off int64
}

func (m *memFile) Write(p []byte) (int, error) {
	if end := m.off + int64(len(p)); end > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, end-int64(len(m.b)))...)
	}
	m.off += int64(copy(m.b[m.off:], p))
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += m.off
	case io.SeekEnd:
		off += int64(len(m.b))
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	m.off = off
	return off, nil
}

// wavFile returns a complete WAV file of pcm in format f.
func wavFile(t testing.TB, f WAVFormat, pcm []int16) []byte {
	var m memFile
	w, err := NewWAVWriter(&m, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSamples(pcm); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return m.b
}

// plain hides every method but Read, like a network stream.
type plain struct{ io.Reader }

func TestWAVReaderRejectsBadHeaders(t *testing.T) {
	valid := wavFile(t, WAVFormat{EncodingPCM16, 8000, 1}, tone(100, 8000, 440, 5000, 0))
	patch := func(off int, v ...byte) []byte {
		b := slices.Clone(valid)
		copy(b[off:], v)
		return b
	}
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	fmtFirst := slices.Concat(valid[:12], []byte("LIST\x04\x00\x00\x00abcd"), valid[12:])
	dataFirst := slices.Concat(valid[:12], valid[36:44], valid[12:36])
	twoFmt := slices.Concat(valid[:36], valid[12:36], valid[36:])
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"not RIFF", patch(0, 'X'), ErrBadHeader},
		{"not WAVE", patch(8, []byte("AVI ")...), ErrBadHeader},
		{"block align lies", patch(32, 4), ErrBadHeader},
		{"byte rate lies", patch(28, u32(8000)...), ErrBadHeader},
		{"zero channels", patch(22, 0), ErrBadHeader},
		{"zero rate", patch(24, u32(0)...), ErrBadHeader},
		{"24-bit", patch(34, 24), ErrUnsupportedFormat},
		{"float", patch(20, 3), ErrUnsupportedFormat},
		{"short fmt", patch(16, 14), ErrBadHeader},
		{"huge fmt", patch(16, u32(1<<20)...), ErrBadHeader},
		{"data not whole frames", patch(40, u32(199)...), ErrBadHeader},
		{"data past RIFF size", patch(4, u32(100)...), ErrBadHeader},
		{"data past end of input", slices.Concat(valid[:4], u32(238), valid[8:40], u32(202), valid[44:]), ErrTruncated},
		{"data before fmt", dataFirst, ErrBadHeader},
		{"two fmt chunks", slices.Concat(twoFmt[:4], u32(uint32(len(twoFmt)-8)), twoFmt[8:]), ErrBadHeader},
		{"chunk past end of input", patch(36, []byte("LIST")...), ErrTruncated},
		{"empty", nil, ErrTruncated},
	}
	// A LIST chunk before fmt is fine once the RIFF size accounts for it.
	fmtFirst = slices.Concat(fmtFirst[:4], u32(uint32(len(fmtFirst)-8)), fmtFirst[8:])
	if _, err := NewWAVReader(bytes.NewReader(fmtFirst)); err != nil {
		t.Errorf("unknown chunk before fmt: %v", err)
	}
	for _, c := range cases {
		_, err := NewWAVReader(bytes.NewReader(c.b))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// TestWAVReaderTruncation cuts a valid file at every length: the header
// part must fail with ErrTruncated when opened, and the data part when
// opened if the input can seek, otherwise when read.
func TestWAVReaderTruncation(t *testing.T) {
	valid := wavFile(t, WAVFormat{EncodingPCM16, 8000, 2}, tone(40, 8000, 440, 5000, 0))
	const header = 44
	for n := range len(valid) {
		cut := valid[:n]
		_, err := NewWAVReader(bytes.NewReader(cut))
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("seekable, cut at %d: %v", n, err)
		}
		r, err := NewWAVReader(plain{bytes.NewReader(cut)})
		if n < header {
			if !errors.Is(err, ErrTruncated) {
				t.Fatalf("stream, cut at %d: %v", n, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("stream, cut at %d: %v", n, err)
		}
		if _, err := io.ReadAll(r); !errors.Is(err, ErrTruncated) {
			t.Fatalf("stream, cut at %d: reading gave %v", n, err)
		}
	}
	// Unknown length: a stream that stops inside a frame is truncated, one
	// that stops on a frame boundary is complete.
	streamed := slices.Clone(valid)
	binary.LittleEndian.PutUint32(streamed[4:], riffUnknownSize)
	binary.LittleEndian.PutUint32(streamed[40:], riffUnknownSize)
	for _, c := range []struct {
		cut  int
		want error
	}{{header + 6, ErrTruncated}, {header + 8, nil}, {header, nil}} {
		r, err := NewWAVReader(plain{bytes.NewReader(streamed[:c.cut])})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(r); !errors.Is(err, c.want) {
			t.Errorf("unknown length cut at %d: %v, want %v", c.cut, err, c.want)
		}
	}
}

func TestWAVReaderSkipsChunksAndReadsExtensible(t *testing.T) {
	pcm := tone(50, 16000, 440, 5000, 0)
	valid := wavFile(t, WAVFormat{EncodingPCM16, 16000, 1}, pcm)
	// An odd-sized LIST chunk (with its pad byte) between fmt and data.
	withList := slices.Concat(valid[:36], []byte("LIST\x03\x00\x00\x00abc\x00"), valid[36:])
	binary.LittleEndian.PutUint32(withList[4:], uint32(len(withList)-8))
	for _, in := range []io.Reader{bytes.NewReader(withList), plain{bytes.NewReader(withList)}} {
		r, err := NewWAVReader(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := readAllSamples(t, r, 7); !slices.Equal(got, pcm) {
			t.Error("samples after a LIST chunk differ")
		}
	}

	// WAVE_FORMAT_EXTENSIBLE with the μ-law subformat.
	ext := binary.LittleEndian.AppendUint16(nil, wavTagExtensible)
	ext = append(ext, valid[22:36]...)
	ext = binary.LittleEndian.AppendUint16(ext, 22)                                  // cbSize
	ext = binary.LittleEndian.AppendUint16(ext, 16)                                  // valid bits
	ext = binary.LittleEndian.AppendUint32(ext, 4)                                   // channel mask
	ext = binary.LittleEndian.AppendUint16(ext, wavTagUlaw)                          // subformat GUID…
	ext = append(ext, "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"...) // …rest
	binary.LittleEndian.PutUint32(ext[8:], 16000)                                    // byte rate for 8-bit
	binary.LittleEndian.PutUint16(ext[12:], 1)                                       // block align
	binary.LittleEndian.PutUint16(ext[14:], 8)                                       // bits
	codes := EncodeUlaw(nil, pcm)
	file := slices.Concat([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x28\x00\x00\x00"), ext, []byte("data\x32\x00\x00\x00"), codes)
	binary.LittleEndian.PutUint32(file[4:], uint32(len(file)-8))
	r, err := NewWAVReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != (WAVFormat{EncodingUlaw, 16000, 1}) {
		t.Errorf("extensible format read as %+v", r.Format())
	}
	if got := readAllSamples(t, r, 64); !slices.Equal(got, DecodeUlaw(nil, codes)) {
		t.Error("extensible samples differ")
	}
}

// TestWAVReaderReadsSoxFiles checks interoperability the other way: files
// written by sox.
func TestWAVReaderReadsSoxFiles(t *testing.T) {
	sox := requireTool(t, "sox")
	for _, c := range []struct {
		args []string
		want WAVFormat
	}{
		{[]string{"-r", "16000", "-c", "2", "-e", "signed", "-b", "16"}, WAVFormat{EncodingPCM16, 16000, 2}},
		{[]string{"-r", "8000", "-c", "1", "-e", "a-law"}, WAVFormat{EncodingAlaw, 8000, 1}},
		{[]string{"-r", "8000", "-c", "1", "-e", "u-law"}, WAVFormat{EncodingUlaw, 8000, 1}},
	} {
		path := filepath.Join(t.TempDir(), "sox.wav")
		args := append(append([]string{"-n"}, c.args...), path, "synth", "0.25", "sine", "300")
		if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
			t.Fatalf("sox %v: %v\n%s", args, err, out)
		}
		b, _ := os.ReadFile(path)
		r, err := NewWAVReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		got := readAllSamples(t, r, 500)
		if r.Format() != c.want || len(got) != c.want.SampleRate/4*c.want.Channels {
			t.Errorf("%v: read %+v with %d samples", c.args, r.Format(), len(got))
		}
		var left []int16
		for i := 0; i < len(got); i += c.want.Channels {
			left = append(left, got[i])
		}
		if f := dominantFrequency(left, c.want.SampleRate); f != 300 {
			t.Errorf("%v: dominant frequency %v Hz", c.args, f)
		}
	}
}

func FuzzWAVReader(f *testing.F) {
	pcm := tone(30, 8000, 440, 5000, 0)
	for _, format := range []WAVFormat{{EncodingPCM16, 8000, 1}, {EncodingUlaw, 8000, 2}, {EncodingAlaw, 16000, 1}} {
		f.Add(wavFile(f, format, pcm))
	}
	var buf bytes.Buffer
	w, _ := NewWAVStreamWriter(&buf, WAVFormat{EncodingPCM16, 16000, 2})
	w.WriteSamples(pcm)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range []io.Reader{bytes.NewReader(data), plain{bytes.NewReader(data)}} {
			r, err := NewWAVReader(in)
			if err != nil {
				if !errors.Is(err, ErrBadHeader) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrUnsupportedFormat) {
					t.Fatalf("unexpected error %v", err)
				}
				continue
			}
			bps := r.Format().Encoding.bytesPerSample()
			total := 0
			buf := make([]int16, 37)
			for {
				n, err := r.ReadSamples(buf)
				total += n
				if err == io.EOF {
					break
				}
				if err != nil {
					if !errors.Is(err, ErrTruncated) {
						t.Fatalf("unexpected read error %v", err)
					}
					break
				}
			}
			if total*bps > len(data) || r.DataSize() >= 0 && int64(total*bps) > r.DataSize() {
				t.Fatalf("read %d samples from %d bytes (declared %d)", total, len(data), r.DataSize())
			}
		}
	})
}
