package nodes

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/nodes/nodespb"
)

// A recording is written to the disk of the node that ran its call. Any
// node serves it by reading it from that node through the cluster, a
// chunk per request, rather than from shared object storage: a cluster
// then needs nothing beyond what one node does (PostgreSQL, and etcd or
// Kubernetes for membership), recordings are written on every call but
// read rarely, so bytes cross nodes only when one is downloaded, and a
// node's files stay where its operator already keeps and backs them up.
// The price: while a node is down its recordings cannot be downloaded.

// recordingsName is the recordings actor's name on every node.
const recordingsName = "recordings"

// recordingChunk is the most one request reads: well under gRPC's
// default message limit (4 MiB), and few round trips per file.
const recordingChunk = 256 << 10

// ErrNoRecording means no other node has the recording file.
var ErrNoRecording = errors.New("nodes: no other node has the recording file")

// Recordings answers the other nodes for the recording files under this
// node's root and reads theirs.
type Recordings struct {
	ask asker
	pid *actor.PID
}

// ServeRecordings starts answering the other nodes for the files under root.
func (n *Node) ServeRecordings(root string) (*Recordings, error) {
	return serveRecordings(n.Cluster.ActorSystem, recordingsName, n.namedOnPeers(recordingsName), root, n.log)
}

func serveRecordings(sys *actor.ActorSystem, name string, peers func() []*actor.PID, root string, log *slog.Logger) (*Recordings, error) {
	pid, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		if m, ok := ctx.Message().(*nodespb.ReadRecording); ok {
			ctx.Respond(readRecording(root, m))
		}
	}), name)
	if err != nil {
		return nil, err
	}
	return &Recordings{ask: asker{root: sys.Root, peers: peers, log: log}, pid: pid}, nil
}

// Stop stops answering the other nodes.
func (r *Recordings) Stop() { _ = r.ask.root.StopFuture(r.pid).Wait() }

// readRecording reads what m asks of a file under root; a path that would
// leave root is a file this node does not have.
func readRecording(root string, m *nodespb.ReadRecording) *nodespb.RecordingData {
	rel := filepath.FromSlash(m.Path)
	if !filepath.IsLocal(rel) || m.Offset < 0 || m.Length < 0 || m.Length > recordingChunk {
		return &nodespb.RecordingData{}
	}
	f, err := os.Open(filepath.Join(root, rel))
	if err != nil {
		return &nodespb.RecordingData{}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return &nodespb.RecordingData{}
	}
	out := &nodespb.RecordingData{Found: true, Size: st.Size()}
	if m.Length == 0 || m.Offset >= st.Size() {
		return out
	}
	buf := make([]byte, min(int64(m.Length), st.Size()-m.Offset))
	n, err := f.ReadAt(buf, m.Offset)
	if err != nil && !errors.Is(err, io.EOF) {
		out.Error = err.Error()
	}
	out.Data = buf[:n]
	return out
}

// RemoteFile is a recording file on another node, read a chunk per
// request.
type RemoteFile struct {
	ask  asker
	at   *actor.PID // the recordings actor of the node that has it
	path string
	size int64
}

// Open finds the other node that has the recording file at path
// (relative to the recordings root, slash separated).
func (r *Recordings) Open(path string) (*RemoteFile, error) {
	a, ok := r.ask.first(&nodespb.ReadRecording{Path: path}, askTimeout, func(m any) bool {
		d, ok := m.(*nodespb.RecordingData)
		return ok && d.Found
	})
	if !ok {
		return nil, ErrNoRecording
	}
	return &RemoteFile{ask: r.ask, at: a.from, path: path, size: a.msg.(*nodespb.RecordingData).Size}, nil
}

// Size is the file's size in bytes.
func (f *RemoteFile) Size() int64 { return f.size }

// ReadAt implements io.ReaderAt.
func (f *RemoteFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		if off+int64(n) >= f.size {
			return n, io.EOF
		}
		length := min(len(p)-n, recordingChunk)
		res, err := f.ask.root.RequestFuture(f.at, &nodespb.ReadRecording{Path: f.path, Offset: off + int64(n), Length: int32(length)}, askTimeout).Result()
		if err != nil {
			return n, fmt.Errorf("nodes: read recording from %s: %w", f.at.Address, err)
		}
		m, ok := res.(*nodespb.RecordingData)
		switch {
		case !ok || !m.Found:
			return n, fmt.Errorf("nodes: recording file gone from %s", f.at.Address)
		case m.Error != "":
			return n, fmt.Errorf("nodes: read recording on %s: %s", f.at.Address, m.Error)
		case len(m.Data) == 0:
			return n, io.ErrUnexpectedEOF // the file shrank
		}
		n += copy(p[n:], m.Data)
	}
	return n, nil
}
