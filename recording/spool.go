package recording

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"unsafe"
)

// spoolBuffer is the write buffer in front of a call's spool: about a
// second of 8 kHz audio, so a call makes a write system call a second.
const spoolBuffer = 16 << 10

// spool holds a call's recording on disk while the call lasts: its
// committed chunks, raw, at the input rate, each as a record of its start
// (the call sample index), its length n, then n caller and n assistant
// samples, little-endian. Writing it costs the call a copy and an
// occasional write; encoding waits for the end of the call.
type spool struct {
	rel string
	f   *os.File
	w   *bufio.Writer
	hdr [12]byte
	b   []byte // a chunk's samples as bytes, on big-endian hosts
}

// createSpool creates the spool file, refusing to overwrite one.
func createSpool(root *os.Root, rel string) (*spool, error) {
	f, err := root.OpenFile(rel, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("recording: creating the spool: %w", err)
	}
	return &spool{rel: rel, f: f, w: bufio.NewWriterSize(f, spoolBuffer)}, nil
}

// write appends a chunk.
func (s *spool) write(c *chunk) error {
	binary.LittleEndian.PutUint64(s.hdr[:8], uint64(c.start))
	binary.LittleEndian.PutUint32(s.hdr[8:], uint32(len(c.caller)))
	if _, err := s.w.Write(s.hdr[:]); err != nil {
		return err
	}
	for _, pcm := range [][]int16{c.caller, c.assistant} {
		if _, err := s.w.Write(s.bytes(pcm)); err != nil {
			return err
		}
	}
	return nil
}

// bytes is pcm as little-endian bytes: the samples themselves on
// little-endian hosts.
func (s *spool) bytes(pcm []int16) []byte {
	if len(pcm) == 0 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&pcm[0])), 2*len(pcm))
	}
	s.b = s.b[:0]
	for _, v := range pcm {
		s.b = binary.LittleEndian.AppendUint16(s.b, uint16(v))
	}
	return s.b
}

// flush writes out what is buffered.
func (s *spool) flush() error { return s.w.Flush() }

// rewind positions the file for reading back what reached it.
func (s *spool) rewind() (*spoolReader, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("recording: reading the spool: %w", err)
	}
	return &spoolReader{r: bufio.NewReaderSize(s.f, spoolBuffer)}, nil
}

// remove closes and deletes the spool.
func (s *spool) remove(root *os.Root) error {
	return errors.Join(s.f.Close(), root.Remove(s.rel))
}

// spoolReader reads a spool's chunks back, in order.
type spoolReader struct {
	r   *bufio.Reader
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
	for _, pcm := range []*[]int16{&c.caller, &c.assistant} {
		if cap(*pcm) < n {
			*pcm = make([]int16, n)
		}
		*pcm = (*pcm)[:n]
		if n == 0 {
			continue
		}
		if littleEndian { // the file's bytes are the samples
			if _, err := io.ReadFull(r.r, unsafe.Slice((*byte)(unsafe.Pointer(&(*pcm)[0])), 2*n)); err != nil {
				return false, fmt.Errorf("recording: reading the spool: %w", err)
			}
			continue
		}
		if cap(r.b) < 2*n {
			r.b = make([]byte, 2*n)
		}
		b := r.b[:2*n]
		if _, err := io.ReadFull(r.r, b); err != nil {
			return false, fmt.Errorf("recording: reading the spool: %w", err)
		}
		for i := range *pcm {
			(*pcm)[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
		}
	}
	return true, nil
}

// maxChunkSamples bounds a spool record: a 100 ms chunk at the highest
// rate, with room to spare.
const maxChunkSamples = 48000
