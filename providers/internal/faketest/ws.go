package faketest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// StartAt serves the fake start makes from cfg until t ends, and returns it
// with its base URL followed by path.
func StartAt[C, F any](t testing.TB, start func(C) (F, string, func()), cfg C, path string) (F, string) {
	t.Helper()
	srv, base, stop := start(cfg)
	t.Cleanup(stop)
	return srv, base + path
}

// StartWS is StartAt with the URL's scheme ws.
func StartWS[C, F any](t testing.TB, start func(C) (F, string, func()), cfg C, path string) (F, string) {
	t.Helper()
	srv, u := StartAt(t, start, cfg, path)
	return srv, "ws" + strings.TrimPrefix(u, "http")
}

// Dial opens a websocket to url with header, closed when t ends.
func Dial(t testing.TB, url string, header http.Header) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Send writes one message of type typ.
func Send(t testing.TB, c *websocket.Conn, typ int, b []byte) {
	t.Helper()
	if err := c.WriteMessage(typ, b); err != nil {
		t.Fatal(err)
	}
}

// ReadJSON reads messages as JSON objects until n are in, or for n < 0
// until the connection ends; err is what ended the reading, if it ended
// early. It gives up after 10 s.
func ReadJSON(t testing.TB, c *websocket.Conn, n int) ([]map[string]any, error) {
	t.Helper()
	var out []map[string]any
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for n < 0 || len(out) < n {
		_, b, err := c.ReadMessage()
		if err != nil {
			return out, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		out = append(out, m)
	}
	return out, nil
}
