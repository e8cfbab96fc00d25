package sonioxfake

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const key = "sx-key"

const startReq = `{"model":"stt-rt-v3","audio_format":"mulaw","sample_rate":8000,"num_channels":1,"enable_endpoint_detection":true}`

func start(t *testing.T, cfg Config) (*Server, string) {
	cfg.Key = key
	return faketest.StartWS(t, Start, cfg, "/soniox/transcribe-websocket")
}

func dial(t *testing.T, url string, h http.Header) *websocket.Conn { return faketest.Dial(t, url, h) }

var bearer = http.Header{"Authorization": {"Bearer " + key}}

// readAll reads messages until the connection ends.
func readAll(t *testing.T, c *websocket.Conn) ([]map[string]any, error) {
	return faketest.ReadJSON(t, c, -1)
}

func send(t *testing.T, c *websocket.Conn, typ int, b []byte) { faketest.Send(t, c, typ, b) }

// texts joins the final tokens of the responses.
func texts(ms []map[string]any) (final string) {
	for _, m := range ms {
		toks, _ := m["tokens"].([]any)
		for _, tk := range toks {
			tk := tk.(map[string]any)
			if tk["is_final"] == true {
				final += tk["text"].(string)
			}
		}
	}
	return final
}

func TestTranscribes(t *testing.T) {
	srv, url := start(t, Config{})
	c := dial(t, url, bearer)
	send(t, c, websocket.TextMessage, []byte(startReq))
	for _, f := range fakespeech.Speak(fakespeech.Utterance{Words: []string{"hello", "big", "world"}}) {
		send(t, c, websocket.BinaryMessage, f)
	}
	for _, f := range fakespeech.Silence(time.Second) {
		send(t, c, websocket.BinaryMessage, f)
	}
	send(t, c, websocket.TextMessage, []byte(`{"type":"keepalive"}`))
	send(t, c, websocket.TextMessage, []byte(`{"type":"finalize"}`))
	send(t, c, websocket.BinaryMessage, []byte{})
	ms, err := readAll(t, c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("end: %v", err)
	}
	if got := texts(ms); got != "hello big world<end><fin>" {
		t.Fatalf("final text %q", got)
	}
	if last := ms[len(ms)-1]; last["finished"] != true {
		t.Fatalf("last %v", last)
	}
	s := srv.Sessions()[0]
	if !s.BearerAuth || s.KeepAlives != 1 || s.Finalizes != 1 || !s.Finished || s.Start.Model != "stt-rt-v3" {
		t.Fatalf("%+v", s)
	}
}

// fails reads the error response and the close that follows it.
func fails(t *testing.T, c *websocket.Conn, code int) {
	t.Helper()
	ms, err := readAll(t, c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) || len(ms) != 1 || ms[0]["error_code"] != float64(code) {
		t.Fatalf("want error %d and a close: %v %v", code, ms, err)
	}
}

func TestRefusals(t *testing.T) {
	_, url := start(t, Config{})
	for _, c := range []struct {
		name  string
		h     http.Header
		first []byte
		typ   int
		code  int
	}{
		{"wrong key", http.Header{"Authorization": {"Bearer nope"}}, []byte(startReq), websocket.TextMessage, 401},
		{"no key", nil, []byte(startReq), websocket.TextMessage, 401},
		{"audio first", bearer, []byte{0xff}, websocket.BinaryMessage, 400},
		{"not a real-time model", bearer, []byte(`{"model":"stt-async-v3","audio_format":"mulaw","sample_rate":8000,"num_channels":1}`), websocket.TextMessage, 400},
		{"endpoint delay", bearer, []byte(`{"model":"stt-rt-v3","audio_format":"mulaw","sample_rate":8000,"num_channels":1,"max_endpoint_delay_ms":100}`), websocket.TextMessage, 400},
		{"format", bearer, []byte(`{"model":"stt-rt-v3","audio_format":"auto"}`), websocket.TextMessage, 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws := dial(t, url, c.h)
			send(t, ws, c.typ, c.first)
			fails(t, ws, c.code)
		})
	}
	// the deprecated api_key of the start request still authenticates
	ws := dial(t, url, nil)
	send(t, ws, websocket.TextMessage, []byte(`{"api_key":"`+key+`",`+startReq[1:]))
	send(t, ws, websocket.TextMessage, []byte(`{"type":"bogus"}`))
	fails(t, ws, 400)
}

func TestIdleTimeout(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	_, url := start(t, Config{Clock: clk})
	c := dial(t, url, bearer)
	send(t, c, websocket.TextMessage, []byte(startReq))
	testkit.Eventually(t, 5*time.Second, func() error {
		if clk.Pending() == 0 {
			return errors.New("no idle timer")
		}
		return nil
	})
	clk.Advance(20 * time.Second)
	fails(t, c, 408)
}
