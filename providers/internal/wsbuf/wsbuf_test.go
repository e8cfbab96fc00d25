package wsbuf

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fasthttp/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo is a websocket server that sends back every message it receives.
func echo(t *testing.T) string {
	t.Helper()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			kind, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(kind, msg); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// Sockets with the small read buffer and the shared write buffers carry
// messages far larger than either (a synthesiser's audio) and small ones,
// whole and in order, several sockets writing at once.
func TestMessagesLargerThanTheBuffers(t *testing.T) {
	url := echo(t)
	var d websocket.Dialer
	Set(&d)
	var wg sync.WaitGroup
	for s := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _, err := d.Dial(url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for i, n := range []int{160, 64 << 10, 3, ReadBuffer + 1, 20 << 10} {
				msg := bytes.Repeat([]byte{byte(s*10 + i)}, n)
				if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
					t.Error(err)
					return
				}
				_, got, err := c.ReadMessage()
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(got, msg) {
					t.Errorf("socket %d message %d: %d bytes back, want %d bytes of %d", s, i, len(got), n, s*10+i)
				}
			}
			if err := c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// A dialer that chose its buffers keeps them.
func TestSetKeepsADialersOwnBuffers(t *testing.T) {
	own := &sync.Pool{}
	d := websocket.Dialer{ReadBufferSize: 8 << 10, WriteBufferPool: own}
	Set(&d)
	if d.ReadBufferSize != 8<<10 || d.WriteBufferPool != own {
		t.Fatalf("Set replaced the dialer's own buffers: %d, %v", d.ReadBufferSize, d.WriteBufferPool)
	}
	sized := websocket.Dialer{WriteBufferSize: 16 << 10}
	if Set(&sized); sized.WriteBufferPool != nil {
		t.Fatal("Set lent default-sized buffers to a dialer writing 16 KB ones")
	}
	var z websocket.Dialer
	Set(&z)
	if z.ReadBufferSize != ReadBuffer || z.WriteBufferPool == nil {
		t.Fatalf("Set left the defaults: %s", fmt.Sprint(z.ReadBufferSize, z.WriteBufferPool))
	}
}
