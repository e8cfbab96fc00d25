package ttssocket

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/writers"
)

// server accepts one websocket and hands it to handle.
func server(t *testing.T, handle func(*websocket.Conn)) string {
	var wg sync.WaitGroup
	wg.Add(1)
	var once sync.Once
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served := false
		once.Do(func() { served = true })
		if !served {
			http.Error(w, "one socket only", http.StatusConflict)
			return
		}
		defer wg.Done()
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		handle(c)
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close(); wg.Wait() })
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// collector is a service that hands each message it reads to got, and
// closes got when its socket ends.
func collector(t *testing.T) (url string, got <-chan string) {
	c := make(chan string, 8)
	url = server(t, func(ws *websocket.Conn) {
		for {
			_, m, err := ws.ReadMessage()
			if err != nil {
				close(c)
				return
			}
			c <- string(m)
		}
	})
	return url, c
}

func dialed(t *testing.T, url string) *websocket.Conn {
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// Messages queued before the socket opens go out first, in order, and
// Drain writes the rest before closing.
func TestQueuedMessagesGoOutInOrder(t *testing.T) {
	url, got := collector(t)
	var wg sync.WaitGroup
	k := New(context.Background(), &wg, nil, (*utterance)(nil), Config[*utterance]{
		Dial:          func(context.Context) (*websocket.Conn, error) { return dialed(t, url), nil },
		Read:          func(int, []byte) bool { return true },
		Lost:          func(*utterance, error, bool) {},
		QueueLen:      8,
		WriteTimeout:  10 * time.Second,
		Writers:       writers.New(2),
		ErrConnection: errConnection,
		ErrQueueFull:  errQueueFull,
	})
	for _, m := range []string{"a", "b"} {
		if err := k.Send([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	k.Start()
	if m := <-got; m != "a" {
		t.Fatalf("first message %q", m)
	}
	if m := <-got; m != "b" {
		t.Fatalf("second message %q", m)
	}
	_ = k.Send([]byte("c"))
	k.Drain([]byte("d"))
	wg.Wait()
	var rest []string
	for m := range got {
		rest = append(rest, m)
	}
	if strings.Join(rest, "") != "cd" {
		t.Fatalf("after the first two: %q", rest)
	}
}

// A service that stops reading fails the socket once a write passes its
// deadline, and the utterance is told.
func TestAStalledServiceFailsTheSocket(t *testing.T) {
	release := make(chan struct{})
	url := server(t, func(*websocket.Conn) { <-release }) // never reads
	defer close(release)
	var wg sync.WaitGroup
	u := &utterance{lost: make(chan error, 1)}
	k := New(context.Background(), &wg, dialed(t, url), u, Config[*utterance]{
		Read:          func(int, []byte) bool { return true },
		Lost:          func(u *utterance, err error, _ bool) { u.lost <- err },
		QueueLen:      64,
		WriteTimeout:  200 * time.Millisecond,
		Writers:       writers.New(1),
		ErrConnection: errConnection,
		ErrQueueFull:  errQueueFull,
	})
	k.Start()
	big := bytes.Repeat([]byte("x"), 1<<20)
	for range 32 { // far beyond the sockets' buffers
		if err := k.Send(big); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-u.lost:
		if !errors.Is(err, errConnection) {
			t.Fatalf("lost with %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the stalled socket never failed")
	}
	wg.Wait() // the socket's goroutine ends, and with it its writes
}
