package aurafake

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, o Options) *Server {
	t.Helper()
	return faketest.Start(t, Start, o)
}

func dial(t *testing.T, srv *Server, query string, h http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.BaseURL, "http")+"/dg/v1/speak?"+query, h)
	if ws != nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

var auth = http.Header{"Authorization": {"Token k"}}

// next reads messages until a text one, counting the audio bytes before it.
func next(t *testing.T, ws *websocket.Conn) (audio int, ctl map[string]any) {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if mt == websocket.BinaryMessage {
			audio += len(data)
			continue
		}
		if err := json.Unmarshal(data, &ctl); err != nil {
			t.Fatal(err)
		}
		return audio, ctl
	}
}

func send(t *testing.T, ws *websocket.Conn, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSentencesFlushAndClear(t *testing.T) {
	srv := start(t, Options{Key: "k", Speed: 1, Chunk: 20 * time.Millisecond})
	ws, _, err := dial(t, srv, "model=aura-2-thalia-en&encoding=mulaw&sample_rate=8000", auth)
	if err != nil {
		t.Fatal(err)
	}
	if _, m := next(t, ws); m["type"] != "Metadata" || m["model_name"] != "aura-2-thalia-en" {
		t.Fatalf("first message %v", m)
	}
	// a whole sentence is spoken without a Flush; Flushed follows all audio
	send(t, ws, `{"type":"Speak","text":"Hi there. And"}`, `{"type":"Speak","text":" then"}`, `{"type":"Flush"}`)
	audio, m := next(t, ws)
	want := fakespeech.WordDuration("Hi") + fakespeech.WordDuration("there.") + fakespeech.WordDuration("And") + fakespeech.WordDuration("then") + 3*gap
	if m["type"] != "Flushed" || m["sequence_id"] != 0.0 || audio != int(want/time.Millisecond)*8 {
		t.Fatalf("%v after %d bytes, want Flushed after %v", m, audio, want)
	}
	// Clear stops a long generation: Cleared, then nothing of it
	send(t, ws, `{"type":"Speak","text":"`+strings.Repeat("words words words. ", 20)+`"}`)
	send(t, ws, `{"type":"Clear"}`, `{"type":"Speak","text":"Ok."}`, `{"type":"Flush"}`)
	_, m = next(t, ws)
	if m["type"] != "Cleared" {
		t.Fatalf("%v, want Cleared", m)
	}
	audio, m = next(t, ws)
	if m["type"] != "Flushed" || audio != int((gap+fakespeech.WordDuration("Ok."))/time.Millisecond)*8 {
		t.Errorf("%v after %d bytes: want only the new sentence", m, audio)
	}
}

func TestRefusals(t *testing.T) {
	srv := start(t, Options{Key: "k"})
	for _, c := range []struct {
		query  string
		h      http.Header
		status int
	}{
		{"model=aura-2-thalia-en", nil, 401},
		{"model=aura-2-thalia-en", http.Header{"Authorization": {"Bearer k"}}, 401},
		{"model=thalia", auth, 400},
		{"model=aura-2-thalia-en&encoding=opus", auth, 400},
		{"model=aura-2-thalia-en&encoding=mulaw&sample_rate=24000", auth, 400},
		{"model=aura-2-thalia-en&encoding=alaw&sample_rate=48000", auth, 400},
	} {
		if _, resp, err := dial(t, srv, c.query, c.h); err == nil || resp.StatusCode != c.status {
			t.Errorf("%s: %v, want %d", c.query, err, c.status)
		}
	}
}
