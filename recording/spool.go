package recording

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

// spoolAhead is how much audio the write buffer in front of a call's spool
// holds: a write system call every half a second, as before the spool kept
// the input's own encoding (16 KB of int16 at 8 kHz), in half the memory
// for a G.711 call (8 KB).
const spoolAhead = 500 * time.Millisecond

// spool holds a call's recording on disk while the call lasts: its
// committed chunks, raw, at the input rate and in the input's encoding,
// each as a record of its start (the call sample index), its length n in
// samples, then n caller and n assistant samples (little-endian for PCM16).
// Writing it costs the call a copy and an occasional write; decoding and
// encoding wait for the end of the call.
type spool struct {
	rel string
	f   *os.File
	w   *bufio.Writer
	hdr [12]byte
}

// createSpool creates the spool file, refusing to overwrite one. The
// buffer holds spoolAhead of records of chunk samples, width bytes each.
func createSpool(root *os.Root, rel string, chunk, width int) (*spool, error) {
	f, err := root.OpenFile(rel, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("recording: creating the spool: %w", err)
	}
	records := int(spoolAhead / chunkDuration)
	return &spool{rel: rel, f: f, w: bufio.NewWriterSize(f, records*(12+2*chunk*width))}, nil
}

// write appends a record of n samples starting at call sample index start.
func (s *spool) write(start int64, n int, caller, assistant []byte) error {
	binary.LittleEndian.PutUint64(s.hdr[:8], uint64(start))
	binary.LittleEndian.PutUint32(s.hdr[8:], uint32(n))
	for _, b := range [][]byte{s.hdr[:], caller, assistant} {
		if _, err := s.w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// flush writes out what is buffered.
func (s *spool) flush() error { return s.w.Flush() }

// rewind positions the file for reading back what reached it, samples in
// encoding e.
func (s *spool) rewind(e voice.Encoding) (*spoolReader, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("recording: reading the spool: %w", err)
	}
	return &spoolReader{r: bufio.NewReaderSize(s.f, 16<<10), enc: e}, nil
}

// remove closes and deletes the spool.
func (s *spool) remove(root *os.Root) error {
	return errors.Join(s.f.Close(), root.Remove(s.rel))
}

// spoolReader reads a spool's chunks back, in order, decoded.
type spoolReader struct {
	r   *bufio.Reader
	enc voice.Encoding
	hdr [12]byte
	b   []byte
}

// next reads the next chunk into c, reusing its slices; ok is false at the
// end.
func (r *spoolReader) next(c *chunk) (ok bool, err error) {
	if _, err := io.ReadFull(r.r, r.hdr[:]); err == io.EOF {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("recording: reading the spool: %w", err)
	}
	c.start = int64(binary.LittleEndian.Uint64(r.hdr[:8]))
	n := int(binary.LittleEndian.Uint32(r.hdr[8:]))
	if n > maxChunkSamples {
		return false, fmt.Errorf("recording: reading the spool: a chunk of %d samples", n)
	}
	size := n * sampleWidth(r.enc)
	if cap(r.b) < size {
		r.b = make([]byte, size)
	}
	b := r.b[:size]
	for _, pcm := range []*[]int16{&c.caller, &c.assistant} {
		if _, err := io.ReadFull(r.r, b); err != nil {
			return false, fmt.Errorf("recording: reading the spool: %w", err)
		}
		*pcm = decode((*pcm)[:0], r.enc, b)
	}
	return true, nil
}

// maxChunkSamples bounds a spool record: a 100 ms chunk at the highest
// rate, with room to spare.
const maxChunkSamples = 48000
