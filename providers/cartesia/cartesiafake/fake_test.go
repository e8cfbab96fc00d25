package cartesiafake

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, o Options) *Server {
	t.Helper()
	return faketest.Start(t, Start, o)
}

func dial(t *testing.T, srv *Server, query string, h http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.BaseURL, "http")+"/c/tts/websocket?"+query, h)
	if ws != nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

func request(id, text string, more bool) string {
	b, _ := json.Marshal(map[string]any{
		"model_id": "sonic-3", "transcript": text, "voice": map[string]string{"mode": "id", "id": "v"},
		"context_id": id, "continue": more, "add_timestamps": true,
		"output_format": map[string]any{"container": "raw", "encoding": "pcm_s16le", "sample_rate": 16000},
	})
	return string(b)
}

// TestContexts runs two contexts on one socket, cancelling the first.
func TestContexts(t *testing.T) {
	srv := start(t, Options{Key: "k", Speed: 1, Chunk: 20 * time.Millisecond})
	// browsers give the key and version in the query
	ws, _, err := dial(t, srv, "api_key=k&cartesia_version=2026-03-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{
		request("a", strings.Repeat("a long speech. ", 20), true),
		`{"context_id":"a","cancel":true}`,
		request("b", "Two words.", false),
	} {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	seen := map[string][]string{}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Type      string `json:"type"`
			ContextID string `json:"context_id"`
		}
		_ = json.Unmarshal(data, &m)
		seen[m.ContextID] = append(seen[m.ContextID], m.Type)
		if m.ContextID == "b" && m.Type == "done" {
			break
		}
	}
	if got := seen["a"]; len(got) > 3 || strings.Contains(strings.Join(got, " "), "done") {
		t.Errorf("cancelled context a: %v", got)
	}
	b := strings.Join(seen["b"], " ")
	if !strings.HasPrefix(b, "chunk") || !strings.Contains(b, "timestamps") || !strings.HasSuffix(b, "done") {
		t.Errorf("context b: %s", b)
	}
	if v := srv.Sockets()[0].Version; v != "2026-03-01" {
		t.Errorf("version %q", v)
	}
}

func TestRefusals(t *testing.T) {
	srv := start(t, Options{Key: "k"})
	for _, c := range []struct {
		h      http.Header
		status int
	}{
		{http.Header{"Cartesia-Version": {"2026-03-01"}}, 401},
		{http.Header{"X-API-Key": {"nope"}, "Cartesia-Version": {"2026-03-01"}}, 401},
		{http.Header{"X-API-Key": {"k"}}, 400},
	} {
		if _, resp, err := dial(t, srv, "", c.h); err == nil || resp.StatusCode != c.status {
			t.Errorf("%v: %v, want %d", c.h, err, c.status)
		}
	}
	ws, _, err := dial(t, srv, "", http.Header{"Authorization": {"Bearer k"}, "Cartesia-Version": {"2026-03-01"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte(strings.Replace(request("x", "Hi.", false), "pcm_s16le", "pcm_f32le", 1)))
	_, data, err := ws.ReadMessage()
	var m struct {
		Type       string `json:"type"`
		StatusCode int    `json:"status_code"`
		Done       bool   `json:"done"`
	}
	if err != nil || json.Unmarshal(data, &m) != nil || m.Type != "error" || m.StatusCode != 400 || !m.Done {
		t.Errorf("unsupported format: %s %v", data, err)
	}
}
