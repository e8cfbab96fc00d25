package nodes

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/nodes/nodespb"
)

// A node reads a recording file another node has, in chunks, and none
// outside that node's recordings root.
func TestRecordingOnAnotherNode(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	sys := actors.NewSystem(log)
	t.Cleanup(sys.Shutdown)
	root := t.TempDir()
	want := make([]byte, 2*recordingChunk+1234) // three requests
	_, _ = rand.Read(want)
	if err := os.MkdirAll(filepath.Join(root, "org", "call"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "org", "call", "mixed.wav"), want, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(root), "secret"), []byte("no"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A member that never answers (killed, still listed) is asked first.
	if _, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(actor.Context) {}), "stuck"); err != nil {
		t.Fatal(err)
	}
	one, err := serveRecordings(sys, "recordings-1", pidsOf(sys, "stuck", "recordings-2"), t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	two, err := serveRecordings(sys, "recordings-2", pidsOf(sys, "recordings-1"), root, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { one.Stop(); two.Stop() })

	f, err := one.Open("org/call/mixed.wav")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(io.NewSectionReader(f, 0, f.Size()))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d of %d bytes: %v", len(got), len(want), err)
	}
	tail := make([]byte, 100)
	if n, err := f.ReadAt(tail, f.Size()-10); n != 10 || !errors.Is(err, io.EOF) || !bytes.Equal(tail[:10], want[len(want)-10:]) {
		t.Fatalf("read past the end: %d, %v", n, err)
	}
	for _, path := range []string{"org/call/none.wav", "../secret", "/etc/passwd", "org/call", ""} {
		if d := readRecording(root, &nodespb.ReadRecording{Path: path, Length: 10}); d.Found || len(d.Data) > 0 {
			t.Errorf("read %q: %v", path, d)
		}
	}
	if _, err := two.Open("org/call/mixed.wav"); !errors.Is(err, ErrNoRecording) {
		t.Errorf("a node found its own file on the other: %v", err)
	}
}
