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
	"strconv"
	"strings"
	"testing"
)

func TestWAVWriterHeaderBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWAVWriter(f, WAVFormat{EncodingPCM16, 8000, 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSamples([]int16{1, -2, 0x1234}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, _ := os.ReadFile(path)
	want := []byte("RIFF\x2a\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00" +
		"data\x06\x00\x00\x00\x01\x00\xfe\xff\x34\x12")
	if !bytes.Equal(got, want) {
		t.Errorf("file\n% x\nwant\n% x", got, want)
	}
}

// TestWAVRoundTripWithSox writes every encoding, mono and stereo, checks that
// sox reads the header the same way, and reads the samples back.
func TestWAVRoundTripWithSox(t *testing.T) {
	soxi := requireTool(t, "soxi")
	pcm := tone(8001, 8000, 440, 12000, 0) // odd length: exercises the pad byte
	for _, f := range []WAVFormat{
		{EncodingPCM16, 8000, 1}, {EncodingUlaw, 8000, 1}, {EncodingAlaw, 8000, 1},
		{EncodingPCM16, 16000, 2}, {EncodingUlaw, 8000, 2},
	} {
		in := pcm[:len(pcm)-len(pcm)%f.Channels]
		path := filepath.Join(t.TempDir(), "x.wav")
		file, _ := os.Create(path)
		file.Write([]byte("prefix")) // the header need not start at offset 0
		w, err := NewWAVWriter(file, f)
		if err != nil {
			t.Fatal(err)
		}
		for chunk := range slices.Chunk(in, 320) {
			if err := w.WriteSamples(chunk); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		file.Close()
		data, _ := os.ReadFile(path)
		os.WriteFile(path, data[len("prefix"):], 0o600)

		out, err := exec.Command(soxi, "-V1", path).CombinedOutput()
		if err != nil {
			t.Fatalf("%+v: soxi: %v\n%s", f, err, out)
		}
		frames := len(in) / f.Channels
		for _, want := range []string{
			"Channels       : " + strconv.Itoa(f.Channels),
			"Sample Rate    : " + strconv.Itoa(f.SampleRate),
			"= " + strconv.Itoa(frames) + " samples",
			map[Encoding]string{EncodingPCM16: "16-bit Signed Integer PCM", EncodingUlaw: "8-bit u-law", EncodingAlaw: "8-bit A-law"}[f.Encoding],
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%+v: soxi output lacks %q:\n%s", f, want, out)
			}
		}

		r, err := NewWAVReader(bytes.NewReader(data[len("prefix"):]))
		if err != nil {
			t.Fatal(err)
		}
		if r.Format() != f || r.DataSize() != int64(len(in)*f.Encoding.bytesPerSample()) {
			t.Fatalf("read back %+v, %d bytes", r.Format(), r.DataSize())
		}
		got := readAllSamples(t, r, 333)
		if want := f.Encoding.decode(nil, f.Encoding.encode(nil, in)); !slices.Equal(got, want) {
			t.Errorf("%+v: samples differ after round trip (%d vs %d)", f, len(got), len(want))
		}
	}
}

func TestWAVStreamWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWAVStreamWriter(&buf, WAVFormat{EncodingUlaw, 8000, 1})
	if err != nil {
		t.Fatal(err)
	}
	in := tone(161, 8000, 1000, 9000, 0)
	w.WriteSamples(in)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if binary.LittleEndian.Uint32(b[4:]) != riffUnknownSize || binary.LittleEndian.Uint32(b[len(b)-162-4:]) != riffUnknownSize {
		t.Error("streamed header does not carry unknown sizes")
	}
	// Read through a plain io.Reader, as from a pipe; the pad byte the
	// writer added for the odd length is not a sample.
	r, err := NewWAVReader(io.MultiReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	if r.DataSize() != -1 {
		t.Errorf("DataSize = %d, want -1", r.DataSize())
	}
	got := readAllSamples(t, r, 100)
	if len(got) != 162 || !slices.Equal(got[:161], DecodeUlaw(nil, EncodeUlaw(nil, in))) {
		t.Errorf("read %d samples", len(got))
	}
}

func TestWAVWriterErrors(t *testing.T) {
	if _, err := NewWAVStreamWriter(io.Discard, WAVFormat{EncodingPCM16, 8000, 0}); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("zero channels: %v", err)
	}
	if _, err := NewWAVStreamWriter(io.Discard, WAVFormat{EncodingUnknown, 8000, 1}); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("unknown encoding: %v", err)
	}
	w, _ := NewWAVStreamWriter(io.Discard, WAVFormat{EncodingPCM16, 8000, 2})
	if _, err := w.Write([]byte{1, 2, 3}); !errors.Is(err, ErrOddLength) {
		t.Errorf("partial frame: %v", err)
	}
	if err := w.WriteSamples([]int16{1, 2, 3}); !errors.Is(err, ErrOddLength) {
		t.Errorf("odd stereo samples: %v", err)
	}
	w.data = w.maxData - 2
	if _, err := w.Write(make([]byte, 4)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("past 4 GiB: %v", err)
	}
	if _, err := w.Write(make([]byte, 0)); err != nil {
		t.Errorf("empty write: %v", err)
	}
	w.Close()
	if err := w.WriteSamples([]int16{1, 2}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	broken, _ := NewWAVStreamWriter(&failAfter{n: 100}, WAVFormat{EncodingPCM16, 8000, 1})
	var err error
	for i := 0; err == nil && i < 10; i++ {
		err = broken.WriteSamples(make([]int16, 160))
	}
	if err == nil || !errors.Is(broken.Close(), errShortDisk) {
		t.Errorf("write error not reported: %v", err)
	}
}

var errShortDisk = errors.New("disk full")

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errShortDisk
	}
	return len(p), nil
}

func readAllSamples(t *testing.T, r *WAVReader, chunk int) []int16 {
	t.Helper()
	var all []int16
	buf := make([]int16, chunk)
	for {
		n, err := r.ReadSamples(buf)
		all = append(all, buf[:n]...)
		if err == io.EOF {
			return all
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// requireTool finds a command-line tool the Makefile installs. Missing
// tools fail the test (skipping would pass without checking anything),
// except under -short.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if testing.Short() {
			t.Skipf("%s not installed", name)
		}
		t.Fatalf("%s not installed (apt-get install sox libsox-fmt-mp3 mpg123): %v", name, err)
	}
	return path
}
