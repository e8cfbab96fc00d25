// Package wsfake holds the websocket plumbing the TTS and recogniser fakes
// share: the handshake and the set of open sockets that Close must end.
package wsfake

import (
	"context"
	"net/http"
	"sync"

	"github.com/fasthttp/websocket"
)

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// maxMessage is the largest client message read.
const maxMessage = 1 << 20

// Live is a fake's open websockets. http.Server.Close does not end them
// (they are hijacked), so Close does, and waits for their handlers.
type Live struct {
	mu     *sync.Mutex // the fake's: a socket's record changes with the set
	wg     sync.WaitGroup
	closed bool
	live   map[*websocket.Conn]context.CancelFunc
}

// NewLive returns an empty set guarded by the fake's mutex.
func NewLive(mu *sync.Mutex) *Live {
	return &Live{mu: mu, live: map[*websocket.Conn]context.CancelFunc{}}
}

// Serve upgrades r and runs handle on the socket until it returns, or until
// Close cancels its context and closes it. ended runs under the fake's
// mutex once the socket is over, or if it never opened.
func (l *Live) Serve(w http.ResponseWriter, r *http.Request, ended func(), handle func(context.Context, *websocket.Conn)) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		l.mu.Lock()
		ended()
		l.mu.Unlock()
		return // the upgrader has answered
	}
	ws.SetReadLimit(maxMessage)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		ws.Close()
		return
	}
	l.live[ws] = cancel
	l.wg.Add(1)
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.live, ws)
		ended()
		l.mu.Unlock()
		l.wg.Done()
	}()
	handle(ctx, ws)
}

// Open is the number of websockets open now.
func (l *Live) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.live)
}

// Close ends every open websocket and waits for their handlers; sockets
// opened after it are closed at once.
func (l *Live) Close() {
	l.mu.Lock()
	l.closed = true
	for ws, cancel := range l.live {
		cancel()
		ws.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
}
