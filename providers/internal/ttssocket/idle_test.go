package ttssocket

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/writers"
)

// idleConfig is a socket's configuration whose reads go to heard and
// whose losses are told to the utterance.
func idleConfig(url string, t *testing.T, heard chan<- string) Config[*utterance] {
	return Config[*utterance]{
		Dial: func(context.Context) (*websocket.Conn, error) { return dialed(t, url), nil },
		Read: func(_ int, m []byte) bool {
			heard <- string(m)
			return true
		},
		Lost:          func(u *utterance, err error, _ bool) { u.lost <- err },
		QueueLen:      8,
		WriteTimeout:  10 * time.Second,
		Writers:       writers.New(1),
		ErrConnection: errConnection,
		ErrQueueFull:  errQueueFull,
	}
}

// A socket opened ahead of its utterance writes its opening message, then
// holds no goroutine until the utterance comes; the utterance then hears
// what the service said meanwhile and its own messages go out.
func TestAnIdleSocketHoldsNoGoroutine(t *testing.T) {
	got := make(chan string, 8)
	url := server(t, func(c *websocket.Conn) {
		for {
			_, m, err := c.ReadMessage()
			if err != nil {
				return
			}
			got <- string(m)
			if string(m) == "bos" {
				_ = c.WriteMessage(websocket.TextMessage, []byte("said while idle"))
			}
		}
	})
	heard := make(chan string, 8)
	var wg sync.WaitGroup
	k := New(context.Background(), &wg, nil, (*utterance)(nil), idleConfig(url, t, heard))
	_ = k.Send([]byte("bos"))
	k.Start()
	if m := <-got; m != "bos" {
		t.Fatalf("opening message %q", m)
	}
	wg.Wait() // returns: nothing reads or writes the idle socket
	if len(heard) != 0 {
		t.Fatalf("read while idle: %q", <-heard)
	}

	u := &utterance{lost: make(chan error, 1)}
	if !k.Attach(u) {
		t.Fatal("an idle socket refused an utterance")
	}
	if m := <-heard; m != "said while idle" {
		t.Fatalf("heard %q", m)
	}
	_ = k.Send([]byte("text"))
	if m := <-got; m != "text" {
		t.Fatalf("the utterance's message: %q", m)
	}
	k.Close()
	wg.Wait()
	if len(u.lost) != 0 {
		t.Fatalf("closing on our side lost the utterance: %v", <-u.lost)
	}
}

// A socket the service closed while it sat idle fails when its utterance
// comes, and the utterance is told, so that it can move to another.
func TestAnIdleSocketClosedByTheServiceFailsOnAttach(t *testing.T) {
	url := server(t, func(c *websocket.Conn) {
		_, _, _ = c.ReadMessage() // the opening message
		_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "idle"))
	})
	var wg sync.WaitGroup
	k := New(context.Background(), &wg, nil, (*utterance)(nil), idleConfig(url, t, make(chan string, 1)))
	_ = k.Send([]byte("bos"))
	k.Start()
	wg.Wait()
	u := &utterance{lost: make(chan error, 1)}
	if !k.Attach(u) {
		t.Fatal("refused before its loss was read")
	}
	err := <-u.lost
	if !errors.Is(err, errConnection) || !strings.HasSuffix(err.Error(), "closed by the service: 1000 idle") {
		t.Fatalf("lost with %v", err)
	}
	wg.Wait()
	if k.Attach(u) {
		t.Fatal("a failed socket took an utterance")
	}
}

// Drain on a socket that never served an utterance still writes its last
// message before closing.
func TestDrainWritesFromAnIdleSocket(t *testing.T) {
	url, got := collector(t)
	var wg sync.WaitGroup
	k := New(context.Background(), &wg, nil, (*utterance)(nil), idleConfig(url, t, make(chan string, 1)))
	_ = k.Send([]byte("bos"))
	k.Start()
	<-got
	wg.Wait()
	_ = k.Send([]byte("queued while idle"))
	k.Drain([]byte("close"))
	wg.Wait()
	var rest []string
	for m := range got {
		rest = append(rest, m)
	}
	if len(rest) != 2 || rest[0] != "queued while idle" || rest[1] != "close" {
		t.Fatalf("after the opening message: %q", rest)
	}
}
