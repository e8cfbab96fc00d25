package ttssocket

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/fasthttp/websocket"
)

var (
	errConnection = errors.New("test: connection lost")
	errQueueFull  = errors.New("test: send queue full")
)

type utterance struct{ lost chan error }

// unstarted is a socket that never dials, attached to u.
func unstarted(u *utterance) *Socket[*utterance] {
	return New(context.Background(), &sync.WaitGroup{}, nil, u, Config[*utterance]{
		Lost:          func(u *utterance, err error, _ bool) { u.lost <- err },
		QueueLen:      1,
		ErrConnection: errConnection,
		ErrQueueFull:  errQueueFull,
	})
}

func TestSendRefusesAFullQueue(t *testing.T) {
	k := unstarted(nil)
	if err := k.Send([]byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := k.Send([]byte("b")); !errors.Is(err, errQueueFull) {
		t.Fatalf("err %v", err)
	}
}

func TestFailTellsTheAttachedUtteranceOnce(t *testing.T) {
	u := &utterance{lost: make(chan error, 2)}
	k := unstarted(u)
	k.fail(io.EOF)
	k.fail(io.ErrUnexpectedEOF)
	if err := <-u.lost; err != io.EOF || len(u.lost) != 0 {
		t.Fatalf("lost with %v, then %d more", err, len(u.lost))
	}
	if k.Attach(u) {
		t.Error("a failed socket took an utterance")
	}
	k.Drain(nil) // not connected: returns at once
}

func TestDetachOnlyTheAttached(t *testing.T) {
	u, v := &utterance{}, &utterance{}
	k := unstarted(u)
	k.Detach(v)
	if k.Attached() != u {
		t.Fatal("detaching another utterance detached u")
	}
	k.Detach(u)
	if k.Attached() != nil || k.Owner() != u {
		t.Fatalf("attached %v, owner %v", k.Attached(), k.Owner())
	}
}

func TestReadErrorGivesTheServiceReason(t *testing.T) {
	k := unstarted(nil)
	err := k.readError(&websocket.CloseError{Code: 1008, Text: "policy"})
	if !errors.Is(err, errConnection) || err.Error() != "test: connection lost: closed by the service: 1008 policy" {
		t.Errorf("close frame: %v", err)
	}
	if err := k.readError(io.ErrUnexpectedEOF); !errors.Is(err, errConnection) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("broken read: %v", err)
	}
}
