package elevenlabsfake

import (
	"encoding/base64"
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
	u := "ws" + strings.TrimPrefix(srv.BaseURL, "http") + "/any/prefix/v1/text-to-speech/voice1/stream-input?" + query
	ws, resp, err := websocket.DefaultDialer.Dial(u, h)
	if ws != nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

type serverMessage struct {
	Audio     *string `json:"audio"`
	IsFinal   *bool   `json:"isFinal"`
	Alignment *struct {
		Chars  []string `json:"chars"`
		Starts []int    `json:"charStartTimesMs"`
		Durs   []int    `json:"charDurationsMs"`
	} `json:"alignment"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

// readAll reads server messages until the socket closes.
func readAll(t *testing.T, ws *websocket.Conn) []serverMessage {
	t.Helper()
	var out []serverMessage
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return out
		}
		var m serverMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		out = append(out, m)
	}
}

func TestKeyInBOSAndChunkSchedule(t *testing.T) {
	srv := start(t, Options{Key: "k", Chunk: 40 * time.Millisecond})
	ws, _, err := dial(t, srv, "model_id=eleven_flash_v2_5&output_format=pcm_16000", nil)
	if err != nil {
		t.Fatal(err)
	}
	// no flush: the schedule (50 characters, then 60) starts generations
	for _, m := range []string{
		`{"text":" ","xi_api_key":"k","generation_config":{"chunk_length_schedule":[50,60]}}`,
		`{"text":"The first words of a fairly long sentence that keeps going "}`,
		`{"text":"and going. "}`, `{"text":""}`,
	} {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	msgs := readAll(t, ws)
	if last := msgs[len(msgs)-1]; last.IsFinal == nil || !*last.IsFinal {
		t.Fatalf("last message %+v, want isFinal", last)
	}
	var audio int
	var text strings.Builder
	var end time.Duration
	for _, m := range msgs[:len(msgs)-1] {
		b, _ := base64.StdEncoding.DecodeString(*m.Audio)
		if m.Alignment != nil {
			for i, c := range m.Alignment.Chars {
				text.WriteString(c)
				end = max(end, time.Duration(audio/32)*time.Millisecond+time.Duration(m.Alignment.Starts[i]+m.Alignment.Durs[i])*time.Millisecond)
			}
		}
		audio += len(b)
	}
	if got := strings.Join(strings.Fields(text.String()), " "); got != "The first words of a fairly long sentence that keeps going and going." {
		t.Errorf("aligned text %q", got)
	}
	if d := time.Duration(audio/32) * time.Millisecond; d != end {
		t.Errorf("%v of audio, alignment ends at %v", d, end)
	}
	if n := len(srv.Sockets()[0].Messages); n != 4 {
		t.Errorf("%d messages recorded", n)
	}
}

func TestRefusals(t *testing.T) {
	srv := start(t, Options{Key: "k"})
	if _, resp, err := dial(t, srv, "model_id=eleven_flash_v2_5&output_format=mp3_44100_128", http.Header{"xi-api-key": {"k"}}); err == nil || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("mp3: %v", err)
	}
	if _, resp, err := dial(t, srv, "output_format=ulaw_8000", http.Header{"xi-api-key": {"wrong"}}); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong key: %v", err)
	}
	// without a key anywhere, the socket opens and the BOS is refused
	ws, _, err := dial(t, srv, "model_id=eleven_flash_v2_5&output_format=ulaw_8000", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"text":" "}`))
	msgs := readAll(t, ws)
	if len(msgs) != 1 || msgs[0].Error != "invalid_api_key" {
		t.Errorf("messages %+v", msgs)
	}
	resp, err := http.Get(srv.BaseURL + "/v1/voices")
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: %v %v", resp, err)
	}
	resp.Body.Close()
}
