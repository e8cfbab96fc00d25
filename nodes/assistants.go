package nodes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/remote"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/assistant/famulor"
	"github.com/switchboard-voice/switchboard/assistant/voicedock"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/nodes/nodespb"
	"github.com/switchboard-voice/switchboard/persistence"
)

// An assistant is a cluster identity of kind assistantKind, named by its
// id: the identity lookup activates it on one member, and every node
// routes the assistant's writes to that activation, which runs them on
// its node's actor for the assistant. When the member leaves, the
// identity is activated on another, whose actor loads the assistant from
// the database.

// assistantKind is the cluster kind of assistants.
const assistantKind = "assistant"

// assistantIdle is how long an assistant's activation without writes
// stays active.
const assistantIdle = 5 * time.Minute

// Writer runs the writes routed to this node.
type Writer interface {
	Run(ctx context.Context, id int64, w assistants.Routed) (*assistants.Snapshot, error)
}

// AssistantKind is the cluster kind whose activations run assistants'
// writes on w; join with it in Config.Kinds.
func AssistantKind(w Writer) *cluster.Kind {
	return cluster.NewKind(assistantKind, actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *cluster.ClusterInit:
			ctx.SetReceiveTimeout(assistantIdle)
		case *actor.ReceiveTimeout:
			ctx.Stop(ctx.Self())
		case *nodespb.AssistantWrite:
			id, err := strconv.ParseInt(cluster.GetClusterIdentity(ctx).Identity, 10, 64)
			if err != nil {
				ctx.Respond(&nodespb.AssistantWritten{Error: toWriteError(err)})
				return
			}
			routed, err := fromWrite(m)
			if err != nil {
				ctx.Respond(&nodespb.AssistantWritten{Error: toWriteError(err)})
				return
			}
			// The node's actor serialises the writes: several may wait
			// for it at once, and are committed together.
			to, root := ctx.Sender(), ctx.ActorSystem().Root
			go func() {
				snap, err := w.Run(context.Background(), id, routed)
				root.Send(to, written(snap, err, m.Op == nodespb.AssistantWrite_DELETE))
			}()
		}
	}))
}

// Adopter is where the writing node takes the result.
type Adopter interface {
	Adopt(ctx context.Context, c assistants.Committed) (*assistants.Snapshot, error)
}

// AssistantRouter routes this node's writes to assistants' activations.
// It implements assistants.Router.
type AssistantRouter struct {
	node *Node
	here Adopter
}

// RouteAssistants routes writes to assistants' activations, and gives
// their results to here.
func (n *Node) RouteAssistants(here Adopter) *AssistantRouter {
	return &AssistantRouter{node: n, here: here}
}

// Route sends a write to the assistant's activation and waits for it to
// be committed.
func (r *AssistantRouter) Route(ctx context.Context, id int64, w assistants.Routed) (*assistants.Snapshot, error) {
	msg, err := toWrite(w)
	if err != nil {
		return nil, err
	}
	res, err := r.request(ctx, strconv.FormatInt(id, 10), msg)
	if err != nil {
		return nil, fmt.Errorf("%w: assistant %d: %w", assistants.ErrUnavailable, id, err)
	}
	ans, ok := res.(*nodespb.AssistantWritten)
	if !ok {
		return nil, fmt.Errorf("%w: assistant %d: unexpected answer %T", assistants.ErrUnavailable, id, res)
	}
	if ans.Error != nil {
		return nil, fromWriteError(ans.Error)
	}
	deleted := ans.Committed.Deleted
	ans.Committed.Deleted = false // sent with the row in full, to answer with
	c := fromProto(ans.Committed)
	c.Deleted = deleted
	return r.here.Adopt(ctx, c)
}

// request sends a write to the assistant's activation. It is sent again
// only if it was not delivered (the activation had stopped or moved): a
// write that timed out may have been committed, and must not be run twice
// (cluster.Request would retry it).
func (r *AssistantRouter) request(ctx context.Context, identity string, msg *nodespb.AssistantWrite) (any, error) {
	timeout := writeTimeout
	if dl, ok := ctx.Deadline(); ok {
		if timeout = time.Until(dl); timeout <= 0 {
			return nil, context.DeadlineExceeded
		}
	}
	c := r.node.Cluster
	for range 3 {
		pid, ok := c.PidCache.Get(identity, assistantKind)
		if !ok {
			if pid = c.Get(identity, assistantKind); pid == nil {
				return nil, errors.New("no member activated the assistant")
			}
			c.PidCache.Set(identity, assistantKind, pid)
		}
		res, err := c.ActorSystem.Root.RequestFuture(pid, msg, timeout).Result()
		if errors.Is(err, actor.ErrDeadLetter) || errors.Is(err, remote.ErrDeadLetter) {
			c.PidCache.RemoveByValue(identity, assistantKind, pid)
			continue
		}
		return res, err
	}
	return nil, errors.New("the assistant's activation kept moving")
}

// writeTimeout bounds a routed write when the caller's context has no
// deadline: the assistant actor's own bound for a request.
const writeTimeout = 15 * time.Second

// AssistantHost is the address of the node an assistant's writes run on,
// activating it there if needed.
func (n *Node) AssistantHost(id int64) string {
	if pid := n.Cluster.Get(strconv.FormatInt(id, 10), assistantKind); pid != nil {
		return pid.Address
	}
	return ""
}

func written(snap *assistants.Snapshot, err error, deleted bool) *nodespb.AssistantWritten {
	if err != nil {
		return &nodespb.AssistantWritten{Error: toWriteError(err)}
	}
	c := toProto(assistants.Committed{Row: snap.Stored(), At: snap.CommittedAt})
	c.Deleted = deleted // with the row in full
	return &nodespb.AssistantWritten{Committed: c}
}

func toWrite(w assistants.Routed) (*nodespb.AssistantWrite, error) {
	m := &nodespb.AssistantWrite{Op: nodespb.AssistantWrite_Op(w.Op), OrganizationId: w.By.OrganizationID,
		UserId: w.By.UserID, KeyId: w.By.KeyID, Active: w.Active, HistoryId: w.HistoryID, Description: w.Description,
		ChangeDescription: w.Write.ChangeDescription}
	if w.Op != assistants.OpUpdate {
		return m, nil
	}
	var err error
	if v := w.Write.View; v != nil {
		m.View, m.ViewOp = v.View, int32(v.Op)
		if m.ViewBody, err = json.Marshal(v.Body); err != nil {
			return nil, fmt.Errorf("nodes: assistant write: %w", err)
		}
		return m, nil
	}
	if w.Write.Translate != nil {
		return nil, errors.New("nodes: assistant write: derived by a function, with no body to send")
	}
	if m.Fields, err = json.Marshal(w.Write.Fields); err != nil {
		return nil, fmt.Errorf("nodes: assistant write: %w", err)
	}
	if m.Replace, err = json.Marshal(w.Write.Replace); err != nil {
		return nil, fmt.Errorf("nodes: assistant write: %w", err)
	}
	return m, nil
}

func fromWrite(m *nodespb.AssistantWrite) (assistants.Routed, error) {
	w := assistants.Routed{Op: assistants.Op(m.Op), Active: m.Active, HistoryID: m.HistoryId, Description: m.Description,
		By: auth.Principal{OrganizationID: m.OrganizationId, UserID: m.UserId, KeyID: m.KeyId}}
	w.Write.ChangeDescription = m.ChangeDescription
	if w.Op != assistants.OpUpdate {
		return w, nil
	}
	if m.View != "" {
		var err error
		w.Write, err = fromView(m)
		w.Write.ChangeDescription = m.ChangeDescription
		return w, err
	}
	if err := decode(m.Fields, &w.Write.Fields); err != nil {
		return w, err
	}
	return w, decode(m.Replace, &w.Write.Replace)
}

// fromView builds a vendor view's write again from its body, to be
// translated here as on the node that received it.
func fromView(m *nodespb.AssistantWrite) (assistant.Write, error) {
	body, err := assistant.DecodeDocument(m.ViewBody)
	if err != nil {
		return assistant.Write{}, fmt.Errorf("nodes: assistant write: %s body: %w", m.View, err)
	}
	v := assistant.ViewWrite{View: m.View, Op: int(m.ViewOp), Body: body}
	switch m.View {
	case famulor.View:
		return famulor.Rebuilt(v)
	case voicedock.View:
		return voicedock.Rebuilt(v), nil
	}
	return assistant.Write{}, fmt.Errorf("nodes: assistant write: no view %q", m.View)
}

// decode reads JSON with its numbers as sent.
func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("nodes: assistant write: %w", err)
	}
	return nil
}

// The errors a write's caller tells apart, in the order they are checked.
var writeErrors = []struct {
	kind nodespb.WriteError_Kind
	err  error
}{
	{nodespb.WriteError_HISTORY_NOT_FOUND, assistants.ErrHistoryNotFound},
	{nodespb.WriteError_NOT_FOUND, assistants.ErrNotFound},
	{nodespb.WriteError_REJECTED, assistants.ErrRejected},
	{nodespb.WriteError_CRASHED, assistants.ErrCrashed},
	{nodespb.WriteError_UNAVAILABLE, assistants.ErrUnavailable},
	{nodespb.WriteError_CONFLICT, persistence.ErrVersionConflict},
}

func toWriteError(err error) *nodespb.WriteError {
	var vp *jsonobj.Problems
	if errors.As(err, &vp) {
		fields, merr := json.Marshal(vp.List)
		if merr == nil {
			return &nodespb.WriteError{Kind: nodespb.WriteError_VIEW_PROBLEMS, Message: err.Error(), Fields: fields}
		}
	}
	var ve *assistant.ValidationError
	if errors.As(err, &ve) {
		fields, merr := json.Marshal(ve.Errors)
		if merr == nil {
			return &nodespb.WriteError{Kind: nodespb.WriteError_VALIDATION, Message: err.Error(), Fields: fields}
		}
	}
	for _, we := range writeErrors {
		if errors.Is(err, we.err) {
			return &nodespb.WriteError{Kind: we.kind, Message: err.Error()}
		}
	}
	return &nodespb.WriteError{Message: err.Error()}
}

func fromWriteError(m *nodespb.WriteError) error {
	if m.Kind == nodespb.WriteError_VIEW_PROBLEMS {
		vp := &jsonobj.Problems{}
		if err := decode(m.Fields, &vp.List); err == nil {
			return vp
		}
	}
	if m.Kind == nodespb.WriteError_VALIDATION {
		ve := &assistant.ValidationError{}
		if err := decode(m.Fields, &ve.Errors); err == nil {
			return ve
		}
	}
	for _, we := range writeErrors {
		if m.Kind == we.kind {
			if m.Message == we.err.Error() {
				return we.err
			}
			return fmt.Errorf("%w (on another node: %s)", we.err, m.Message)
		}
	}
	return fmt.Errorf("nodes: assistant write on another node: %s", m.Message)
}
