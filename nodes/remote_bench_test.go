package nodes

import (
	"bufio"
	"crypto/rand"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"

	"github.com/switchboard-voice/switchboard/actors"
)

// remoteSystems are two actor systems that reach each other over
// proto.actor remote (gRPC) on loopback, as two nodes do; with no cluster
// around them (membership is not what is measured).
func remoteSystems(b *testing.B) (one, two *actor.ActorSystem) {
	b.Helper()
	log := slog.New(slog.DiscardHandler)
	for _, sys := range []**actor.ActorSystem{&one, &two} {
		*sys = actors.NewSystem(log)
		r := remote.NewRemote(*sys, remote.Configure("127.0.0.1", 0))
		r.Start()
		b.Cleanup(func() { r.Shutdown(true); (*sys).Shutdown() })
	}
	return one, two
}

// BenchmarkLiveCallsFromAnotherNode is the round trip of listing another
// node's live calls (none: the request and its answer alone).
//
//	go test -run '^$' -bench LiveCallsFromAnotherNode ./nodes/
func BenchmarkLiveCallsFromAnotherNode(b *testing.B) {
	one, two := remoteSystems(b)
	log := slog.New(slog.DiscardHandler)
	theirs, err := serveCalls(two, callsName, func() []*actor.PID { return nil }, noCalls{}, nil, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(theirs.Stop)
	ours, err := serveCalls(one, callsName, func() []*actor.PID { return []*actor.PID{actor.NewPID(two.Address(), callsName)} },
		noCalls{}, nil, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ours.Stop)
	for b.Loop() {
		ours.Live(1)
	}
}

// BenchmarkRecordingFromAnotherNode reads a 4 MiB recording file kept on
// another node, as a download through this node does.
//
//	go test -run '^$' -bench RecordingFromAnotherNode ./nodes/
func BenchmarkRecordingFromAnotherNode(b *testing.B) {
	one, two := remoteSystems(b)
	log := slog.New(slog.DiscardHandler)
	root := b.TempDir()
	data := make([]byte, 4<<20)
	_, _ = rand.Read(data)
	if err := os.WriteFile(filepath.Join(root, "call.wav"), data, 0o600); err != nil {
		b.Fatal(err)
	}
	theirs, err := serveRecordings(two, recordingsName, func() []*actor.PID { return nil }, root, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(theirs.Stop)
	ours, err := serveRecordings(one, recordingsName, func() []*actor.PID {
		return []*actor.PID{actor.NewPID(two.Address(), recordingsName)}
	}, b.TempDir(), log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ours.Stop)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		f, err := ours.Open("call.wav")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, bufio.NewReaderSize(io.NewSectionReader(f, 0, f.Size()), recordingChunk))
		if err != nil || n != int64(len(data)) {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
}
