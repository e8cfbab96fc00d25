package engine

import (
	"time"

	"github.com/switchboard-voice/switchboard/http/api"
	"github.com/switchboard-voice/switchboard/nodes"
)

// join makes the engine a node of its cluster, if one is configured:
// assistant changes flow to and from the other nodes, each assistant's
// writes run on its one activation, provider keys' stream limits are
// counted across the cluster, and the API reaches
// the calls and recording files of the other nodes through the ones
// returned (nil when the engine runs alone).
func (e *Engine) join(recordings string) (api.OtherNodes, error) {
	cc := e.cfg.Cluster
	if cc.Provider == nodes.Alone {
		return nil, nil
	}
	cc.Log = e.Log
	cc.Kinds = append(cc.Kinds, nodes.AssistantKind(e.Assistants))
	node, err := nodes.Join(e.System, cc)
	if err != nil {
		return nil, err
	}
	others := otherNodes{}
	if e.feed, err = node.StartConfigFeed(e.Assistants); err == nil {
		if others.calls, err = node.ServeCalls(e.Calls, e.Live); err == nil {
			others.recordings, err = node.ServeRecordings(recordings)
		}
	}
	if err != nil {
		node.Leave()
		return nil, err
	}
	e.Node = node
	e.Assistants.SetAnnouncer(e.feed)
	e.Providers.SetCapacity(node.Capacity())
	e.Assistants.SetRouter(node.RouteAssistants(e.Assistants))
	return others, nil
}

// otherNodes gives the API the other nodes' calls and recording files.
type otherNodes struct {
	calls      *nodes.Calls
	recordings *nodes.Recordings
}

func (o otherNodes) LiveCalls(orgID int64) []api.LiveCall {
	calls := o.calls.Live(orgID)
	out := make([]api.LiveCall, len(calls))
	for i, c := range calls {
		out[i] = api.LiveCall(c)
	}
	return out
}

func (o otherNodes) TerminateCall(orgID int64, sid string, wait time.Duration) api.Termination {
	return api.Termination(o.calls.Terminate(orgID, sid, wait))
}

func (o otherNodes) WatchCall(orgID int64, sid string) (api.Feed, error) {
	f, err := o.calls.Watch(orgID, sid)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (o otherNodes) OpenRecording(path string) (api.RecordingFile, error) {
	f, err := o.recordings.Open(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}
