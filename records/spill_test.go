package records

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/persistence"
)

func spillRecord(seq int32) persistence.Record {
	return persistence.Record{Kind: persistence.RecordTranscript, CallSID: "CA1", Seq: seq, At: time.Unix(int64(seq), 0).UTC(),
		Transcript: &persistence.TranscriptRecord{Speaker: "user", Text: "hi", Final: true}}
}

// Records come back in order, across peeks and a reopening, and the file
// empties once they are all consumed.
func TestSpillRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spill")
	s, torn, err := openSpill(path)
	if err != nil || torn != 0 || !s.empty() {
		t.Fatalf("open: %v %d", err, torn)
	}
	for i := range int32(5) {
		if err := s.append([]persistence.Record{spillRecord(2*i + 1), spillRecord(2*i + 2)}); err != nil {
			t.Fatal(err)
		}
	}
	got, bad, err := s.peek(4)
	if err != nil || bad != 0 || len(got) != 4 || got[3].Seq != 4 {
		t.Fatalf("peek %v %d %v", got, bad, err)
	}
	if err := s.advance(); err != nil || s.count != 6 {
		t.Fatalf("advance: %v, %d left", err, s.count)
	}
	s.close()

	s, _, err = openSpill(path) // a restart replays from the start: idempotent writes make that harmless
	if err != nil || s.count != 10 {
		t.Fatalf("reopen: %v, %d records", err, s.count)
	}
	var seqs []int32
	for !s.empty() {
		recs, _, err := s.peek(3)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			seqs = append(seqs, r.Seq)
		}
		if err := s.advance(); err != nil {
			t.Fatal(err)
		}
	}
	if len(seqs) != 10 || seqs[9] != 10 || seqs[0] != 1 {
		t.Fatalf("replayed %v", seqs)
	}
	if info, _ := os.Stat(path); info.Size() != 0 {
		t.Fatalf("file not emptied: %d bytes", info.Size())
	}
	s.close()
}

// FuzzSpillFile opens arbitrary bytes as a spill file: it never panics,
// every complete line is either a valid record or counted as bad, and
// reading consumes the file exactly.
func FuzzSpillFile(f *testing.F) {
	good := `{"kind":"transcript","call_sid":"CA1","seq":1,"at":"2026-11-21T09:00:00Z","transcript":{"speaker":"user","text":"hi","final":true,"start":0,"end":1}}` + "\n"
	f.Add([]byte(good))
	f.Add([]byte(good + good[:40]))
	f.Add([]byte("\n\n{}\n" + good))
	f.Add([]byte(`{"kind":"event","call_sid":"CA1","seq":2,"at":"2026-11-21T09:00:00Z","event":{"kind":"dtmf","data":{"digits":"1"}}}` + "\n"))
	f.Add([]byte(`{"kind":"history","call_sid":"CA1","seq":3,"at":"2026-11-21T09:00:00Z","messages":[{"role":"user","content":"x","tool_calls":[1]}]}` + "\n"))
	f.Add([]byte(`{"kind":"status","call_sid":"CA1","at":"2026-11-21T09:00:00Z","status":{"carrier":"twilio","status":"busy"}}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "spill")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, torn, err := openSpill(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.close()
		if torn < 0 || s.size+torn != int64(len(data)) {
			t.Fatalf("size %d + torn %d != %d", s.size, torn, len(data))
		}
		lines := s.count
		seen := 0
		for !s.empty() {
			recs, bad, err := s.peek(7)
			if err != nil {
				t.Fatal(err)
			}
			for i := range recs {
				if err := recs[i].Valid(); err != nil {
					t.Fatalf("invalid record returned: %v", err)
				}
			}
			seen += len(recs) + bad
			if err := s.advance(); err != nil {
				t.Fatal(err)
			}
		}
		if seen != lines {
			t.Fatalf("read %d lines of %d", seen, lines)
		}
	})
}
