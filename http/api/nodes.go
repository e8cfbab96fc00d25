package api

import (
	"io"
	"time"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/voice"
)

// OtherNodes reaches what lives on the cluster's other nodes: the calls
// they run and the recording files on their disks (package nodes, through
// the engine). Nil when the engine runs alone: the routes then see this
// node only, as they always did.
type OtherNodes interface {
	// LiveCalls are the organization's calls live on the other nodes.
	LiveCalls(orgID int64) []LiveCall
	// TerminateCall ends the organization's call on the node that runs
	// it, waiting up to wait for its end.
	TerminateCall(orgID int64, sid string, wait time.Duration) Termination
	// WatchCall relays the call's events from the node that runs it;
	// live.ErrTooManyWatchers when it has its fill, another error when
	// no node runs it.
	WatchCall(orgID int64, sid string) (Feed, error)
	// OpenRecording opens a recording file (path relative to the
	// recordings root) on the node that has it; an error when none has.
	OpenRecording(path string) (RecordingFile, error)
}

// LiveCall is a live call, on this node or another.
type LiveCall struct {
	voice.CallInfo
	Private bool
	State   call.State
}

// Termination is what terminating a call on another node did.
type Termination struct {
	Found  bool   // a node runs the call, of that organization
	Ended  bool   // it ended within the wait
	Reason string // why, when it ended
}

// Feed is a watched call's events: *live.Watcher on this node, a relay
// of another node's otherwise.
type Feed interface {
	C() <-chan []byte
	Lagged() bool
	Close()
}

// RecordingFile is a recording file on another node.
type RecordingFile interface {
	io.ReaderAt
	Size() int64
}

// remoteReadSize sizes the reads a recording on another node is sent
// with: a request to its node each.
const remoteReadSize = 256 << 10
