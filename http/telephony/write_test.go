package telephony

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/valyala/fasthttp"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/internal/writers"
)

// rawEncoder is a dialect whose messages are the audio itself.
type rawEncoder struct{}

func (rawEncoder) Audio(dst, frame []byte) ([]byte, int) {
	return append(dst, frame...), websocket.BinaryMessage
}
func (rawEncoder) Mark(dst []byte, name string) ([]byte, int) {
	return append(dst, name...), websocket.TextMessage
}
func (rawEncoder) Clear(dst []byte) ([]byte, int) {
	return append(dst, "clear"...), websocket.TextMessage
}

// sockets is a websocket server whose accepted sockets become streams on
// one hub, each writing through pool, and a client for each.
type sockets struct {
	t       *testing.T
	hub     *Hub
	pool    *writers.Pool
	timeout time.Duration
	url     string
	streams chan *Stream
	release chan struct{}
	wg      sync.WaitGroup
}

func newSockets(t *testing.T, pool *writers.Pool, writeTimeout time.Duration) *sockets {
	k := &sockets{t: t, hub: NewHub(nil), pool: pool, timeout: writeTimeout,
		streams: make(chan *Stream, 4), release: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := websocket.FastHTTPUpgrader{}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		_ = up.Upgrade(ctx, func(conn *websocket.Conn) {
			s := k.hub.Accept(conn, StreamConfig{WriteTimeout: k.timeout, QueueSize: 1 << 10, Writers: k.pool})
			s.wire = Wire{Encoder: rawEncoder{}}
			s.call = &call.Call{} // never ends
			s.serving.Store(true)
			k.streams <- s
			<-k.release
			s.Release()
		})
	}}
	k.wg.Add(1)
	go func() { defer k.wg.Done(); _ = srv.Serve(ln) }()
	k.url = "ws://" + ln.Addr().String() + "/"
	t.Cleanup(func() {
		close(k.release)
		_ = srv.Shutdown()
		k.wg.Wait()
	})
	return k
}

// dial opens a client socket and returns it with the server's stream.
func (k *sockets) dial() (*websocket.Conn, *Stream) {
	c, _, err := websocket.DefaultDialer.DialContext(context.Background(), k.url, nil)
	if err != nil {
		k.t.Fatal(err)
	}
	k.t.Cleanup(func() { c.Close() })
	return c, <-k.streams
}

// A peer that stops reading holds a pooled writer until the write
// deadline, not the other calls' writes: with two writers, one stalled,
// another stream's frames still arrive; then the stalled socket fails.
func TestAStalledCarrierHoldsOnlyItsWriter(t *testing.T) {
	k := newSockets(t, writers.New(2), 10*time.Second)
	_, stalled := k.dial() // never read
	big := bytes.Repeat([]byte{0x7f}, 256<<10)
	for range 64 { // far beyond the sockets' buffers: the write blocks
		if err := stalled.enqueue(outItem{kind: outRaw, data: big, mt: websocket.BinaryMessage}); err != nil {
			t.Fatal(err)
		}
	}

	live, s := k.dial()
	for i := range 50 {
		frame := []byte{byte(i)}
		if err := s.SendAudio(frame); err != nil {
			t.Fatal(err)
		}
		_ = live.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, got, err := live.ReadMessage()
		if err != nil || !bytes.Equal(got, frame) {
			t.Fatalf("frame %d: %x, %v", i, got, err)
		}
	}
	if stalled.closed.Load() {
		t.Fatal("the stalled socket failed before its write deadline")
	}
	if n := k.pool.Workers(); n != 2 {
		t.Fatalf("%d writers: the stalled socket should hold one", n)
	}
	testkit.Eventually(t, 60*time.Second, func() error {
		if !stalled.closed.Load() {
			return errors.New("the stalled socket is still open past its write deadline")
		}
		return nil
	})
	select {
	case <-stalled.wroteAll:
	default:
		t.Fatal("the stalled stream's writer did not finish")
	}
	if err := stalled.SendAudio([]byte{1}); !errors.Is(err, ErrStreamClosed) {
		t.Fatalf("sending on the failed stream: %v", err)
	}
}
