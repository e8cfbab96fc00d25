package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/switchboard-voice/switchboard/persistence"
)

// spill is the append-only file records go to when they cannot stay in
// memory, read back into the database in order once it answers.
//
// Format: one JSON-encoded persistence.Record per line, oldest first.
// Durability: each append is a single write followed by fsync, so records
// that reached the file survive a crash of the process or the machine; a
// line torn by a crash in the middle of a write is cut off when the file
// is next opened (those records were never acknowledged as spilled). The
// file is truncated, and synced, once every record in it is written.
type spill struct {
	f      *os.File
	size   int64 // bytes in the file
	offset int64 // bytes already written to the database
	count  int   // records after offset

	// the last peek: where it ended, how many lines it covered
	next  int64
	lines int
}

// openSpill opens (or creates) the spill file at path and returns it with
// the number of bytes of a torn last line it cut off.
func openSpill(path string) (*spill, int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("records: open spill file: %w", err)
	}
	s := &spill{f: f}
	end, count, err := scanLines(f)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("records: read spill file: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("records: stat spill file: %w", err)
	}
	torn := info.Size() - end
	if torn > 0 {
		if err := s.cut(end); err != nil {
			f.Close()
			return nil, 0, err
		}
	}
	s.size, s.count = end, count
	return s, torn, nil
}

// scanLines returns where the last complete line ends and how many there are.
func scanLines(r io.Reader) (end int64, count int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var pos int64
	for {
		line, err := br.ReadSlice('\n')
		pos += int64(len(line))
		switch {
		case err == nil:
			end, count = pos, count+1
		case errors.Is(err, bufio.ErrBufferFull):
			// a line longer than the buffer: keep reading it
		case errors.Is(err, io.EOF):
			return end, count, nil
		default:
			return 0, 0, err
		}
	}
}

func (s *spill) empty() bool { return s.count == 0 }

// append writes records at the end of the file and syncs it. On failure
// the file is cut back to where it was, so it never holds half a record.
func (s *spill) append(recs []persistence.Record) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return fmt.Errorf("records: encode spilled record: %w", err)
		}
	}
	if _, err := s.f.WriteAt(buf.Bytes(), s.size); err != nil {
		return errors.Join(fmt.Errorf("records: write spill file: %w", err), s.cut(s.size))
	}
	if err := s.f.Sync(); err != nil {
		return errors.Join(fmt.Errorf("records: sync spill file: %w", err), s.cut(s.size))
	}
	s.size += int64(buf.Len())
	s.count += len(recs)
	return nil
}

// peek reads up to n records from the replay position without consuming
// them; advance consumes them once they are written. Lines that cannot be
// decoded are skipped and counted in bad.
func (s *spill) peek(n int) (recs []persistence.Record, bad int, err error) {
	br := bufio.NewReaderSize(io.NewSectionReader(s.f, s.offset, s.size-s.offset), 64<<10)
	pos := s.offset
	lines := 0
	for len(recs) < n {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("records: read spill file: %w", err)
		}
		pos += int64(len(line))
		lines++
		r, err := decodeRecord(line)
		if err != nil {
			bad++
			continue
		}
		recs = append(recs, r)
	}
	s.next, s.lines = pos, lines
	return recs, bad, nil
}

// decodeRecord reads one spill line.
func decodeRecord(line []byte) (persistence.Record, error) {
	var r persistence.Record
	if err := json.Unmarshal(line, &r); err != nil {
		return persistence.Record{}, fmt.Errorf("%w: %w", ErrCorruptSpill, err)
	}
	if err := r.Valid(); err != nil {
		return persistence.Record{}, fmt.Errorf("%w: %w", ErrCorruptSpill, err)
	}
	return r, nil
}

// advance consumes what the last peek read, and empties the file once
// everything in it is written.
func (s *spill) advance() error {
	s.offset, s.count = s.next, s.count-s.lines
	s.lines = 0
	if s.offset < s.size {
		return nil
	}
	s.offset, s.count = 0, 0
	s.size = 0
	return s.cut(0)
}

// cut truncates the file to n bytes and syncs it.
func (s *spill) cut(n int64) error {
	if err := s.f.Truncate(n); err != nil {
		return fmt.Errorf("records: truncate spill file: %w", err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("records: sync spill file: %w", err)
	}
	return nil
}

func (s *spill) close() error { return s.f.Close() }
