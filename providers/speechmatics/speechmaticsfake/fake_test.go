package speechmaticsfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
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

const key = "sm-key"

const startMsg = `{"message":"StartRecognition","audio_format":{"type":"raw","encoding":"mulaw","sample_rate":8000},` +
	`"transcription_config":{"language":"en","operating_point":"enhanced","max_delay":0.7,"enable_partials":true,` +
	`"conversation_config":{"end_of_utterance_silence_trigger":0.5}}}`

func start(t *testing.T, cfg Config) (*Server, string) {
	cfg.Key = key
	return faketest.StartWS(t, Start, cfg, "/speechmatics/v2")
}

var bearer = http.Header{"Authorization": {"Bearer " + key}}

func dial(t *testing.T, url string) *websocket.Conn { return faketest.Dial(t, url, bearer) }

func send(t *testing.T, c *websocket.Conn, typ int, b []byte) { faketest.Send(t, c, typ, b) }

// readAll reads messages until the connection ends.
func readAll(t *testing.T, c *websocket.Conn) ([]map[string]any, error) {
	return faketest.ReadJSON(t, c, -1)
}

func TestTranscribes(t *testing.T) {
	srv, url := start(t, Config{})
	c := dial(t, url)
	send(t, c, websocket.TextMessage, []byte(startMsg))
	frames := fakespeech.Speak(fakespeech.Utterance{Words: []string{"hello", "world"}})
	frames = append(frames, fakespeech.Silence(time.Second)...)
	frames = append(frames, fakespeech.Speak(fakespeech.Utterance{Words: []string{"again"}})...)
	for _, f := range frames {
		send(t, c, websocket.BinaryMessage, f)
	}
	send(t, c, websocket.TextMessage, []byte(`{"message":"ForceEndOfUtterance"}`))
	send(t, c, websocket.TextMessage, []byte(`{"message":"EndOfStream","last_seq_no":`+itoa(len(frames))+`}`))
	ms, err := readAll(t, c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("end: %v", err)
	}
	var kinds, finals []string
	added := 0
	for _, m := range ms {
		switch k := m["message"].(string); k {
		case "AudioAdded":
			added++
		case "AddTranscript":
			if tr := m["metadata"].(map[string]any)["transcript"].(string); tr != "" {
				finals = append(finals, tr)
			}
			fallthrough
		default:
			if len(kinds) == 0 || kinds[len(kinds)-1] != k {
				kinds = append(kinds, k)
			}
		}
	}
	if added != len(frames) {
		t.Errorf("%d AudioAdded for %d frames", added, len(frames))
	}
	if got := strings.Join(finals, "|"); got != "hello|world.|again." {
		t.Errorf("finals %q", got)
	}
	if kinds[0] != "RecognitionStarted" || kinds[len(kinds)-1] != "EndOfTranscript" || !strings.Contains(strings.Join(kinds, " "), "AddPartialTranscript") {
		t.Errorf("messages %v", kinds)
	}
	s := srv.Sessions()[0]
	if s.AddAudios != len(frames) || s.LastSeqNo != len(frames) || s.ForceEnds != 1 || !s.EndOfStream || s.Start.TranscriptionConfig.Language != "en" {
		t.Fatalf("%+v", s)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// fails reads the Error and the close after it.
func fails(t *testing.T, c *websocket.Conn, typ string) {
	t.Helper()
	ms, err := readAll(t, c)
	last := map[string]any{}
	if len(ms) > 0 {
		last = ms[len(ms)-1]
	}
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.ClosePolicyViolation) || last["message"] != "Error" || last["type"] != typ {
		t.Fatalf("want Error %s and a close: %v %v", typ, ms, err)
	}
}

func TestRefusals(t *testing.T) {
	_, url := start(t, Config{})
	if _, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer nope"}}); err == nil || resp.StatusCode != 401 {
		t.Fatalf("wrong key: %v", err)
	}
	for _, c := range []struct {
		name  string
		first string
		typ   string
	}{
		{"audio first", "", "protocol_error"},
		{"a-law", strings.Replace(startMsg, "mulaw", "alaw", 1), "invalid_audio_type"},
		{"operating point", strings.Replace(startMsg, "enhanced", "turbo", 1), "invalid_config"},
		{"max delay", strings.Replace(startMsg, `"max_delay":0.7`, `"max_delay":9`, 1), "invalid_config"},
		{"end of utterance", strings.Replace(startMsg, `"end_of_utterance_silence_trigger":0.5`, `"end_of_utterance_silence_trigger":5`, 1), "invalid_config"},
		{"not JSON", "{", "invalid_message"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws := dial(t, url)
			if c.first == "" {
				send(t, ws, websocket.BinaryMessage, []byte{0xff})
			} else {
				send(t, ws, websocket.TextMessage, []byte(c.first))
			}
			fails(t, ws, c.typ)
		})
	}
	t.Run("wrong last_seq_no", func(t *testing.T) {
		ws := dial(t, url)
		send(t, ws, websocket.TextMessage, []byte(startMsg))
		send(t, ws, websocket.BinaryMessage, fakespeech.Silence(20 * time.Millisecond)[0])
		send(t, ws, websocket.TextMessage, []byte(`{"message":"EndOfStream","last_seq_no":7}`))
		fails(t, ws, "protocol_error")
	})
}

func TestIdleTimeout(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	_, url := start(t, Config{Clock: clk})
	c := dial(t, url)
	send(t, c, websocket.TextMessage, []byte(startMsg))
	// The start is answered first: an hour passing before the fake read it
	// would time the session out ahead of its RecognitionStarted.
	if ms, err := faketest.ReadJSON(t, c, 1); err != nil || ms[0]["message"] != "RecognitionStarted" {
		t.Fatalf("%v %v", ms, err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if clk.Pending() == 0 {
			return errors.New("no idle timer")
		}
		return nil
	})
	clk.Advance(time.Hour)
	fails(t, c, "idle_timeout")
}
