package scribefake

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
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

const key = "xi-key"

const vadQuery = "?model_id=scribe_v2_realtime&audio_format=ulaw_8000&commit_strategy=vad&vad_silence_threshold_secs=0.5" +
	"&include_timestamps=true&include_language_detection=true"

func start(t *testing.T, cfg Config) (*Server, string) {
	cfg.Key = key
	return faketest.StartWS(t, Start, cfg, "/elevenlabs"+Path)
}

func dial(t *testing.T, url string) *websocket.Conn {
	return faketest.Dial(t, url, http.Header{"xi-api-key": {key}})
}

func chunk(t *testing.T, c *websocket.Conn, audio []byte, commit bool) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"message_type": "input_audio_chunk", "audio_base_64": base64.StdEncoding.EncodeToString(audio), "commit": commit, "sample_rate": 8000})
	if err := c.WriteMessage(websocket.TextMessage, b); err != nil {
		t.Fatal(err)
	}
}

// read reads messages until n are in or the connection ends.
func read(t *testing.T, c *websocket.Conn, n int) ([]map[string]any, error) {
	return faketest.ReadJSON(t, c, n)
}

func kinds(ms []map[string]any) string {
	var k []string
	for _, m := range ms {
		s := m["message_type"].(string)
		if t, ok := m["text"].(string); ok {
			s += "(" + t + ")"
		}
		k = append(k, s)
	}
	return strings.Join(k, " ")
}

func speech(words ...string) []byte {
	var b []byte
	for _, f := range fakespeech.Speak(fakespeech.Utterance{Words: words}) {
		b = append(b, f...)
	}
	return b
}

func silence(d time.Duration) []byte {
	var b []byte
	for _, f := range fakespeech.Silence(d) {
		b = append(b, f...)
	}
	return b
}

// Under vad a segment is committed after the silence, timed and echoed.
func TestVADCommits(t *testing.T) {
	srv, url := start(t, Config{})
	c := dial(t, url+vadQuery)
	chunk(t, c, speech("hello", "world"), false)
	chunk(t, c, silence(600*time.Millisecond), false)
	ms, err := read(t, c, 8)
	if err != nil {
		t.Fatal(err)
	}
	// a partial when each word starts and ends
	want := "session_started partial_transcript(hello) partial_transcript(hello) partial_transcript(hello world) partial_transcript(hello world) " +
		"committed_transcript(hello world.) committed_transcript_with_timestamps(hello world.) partial_transcript(hello world.)"
	if got := kinds(ms); !strings.HasPrefix(got+" ", want+" ") {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	timed := ms[6]
	if timed["language_code"] != "en" || len(timed["words"].([]any)) != 3 {
		t.Fatalf("%v", timed)
	}
	// The commit comes within the second chunk, before the fake has
	// counted all of it.
	testkit.Eventually(t, 5*time.Second, func() error {
		s := srv.Sessions()[0]
		if s.Query.CommitStrategy != "vad" || s.Query.VADSilenceThresholdSecs != 0.5 || s.Chunks != 2 || s.Audio != 1400*time.Millisecond {
			return fmt.Errorf("%+v", s)
		}
		return nil
	})
}

// Under manual only the client commits; a commit with nothing heard is
// answered empty.
func TestManualCommits(t *testing.T) {
	_, url := start(t, Config{})
	c := dial(t, url+strings.Replace(vadQuery, "commit_strategy=vad", "commit_strategy=manual", 1))
	chunk(t, c, speech("yes"), false)
	chunk(t, c, silence(2*time.Second), true)
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"message_type":"commit"}`)); err != nil {
		t.Fatal(err)
	}
	ms, err := read(t, c, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := "session_started partial_transcript(yes) partial_transcript(yes) partial_transcript(yes) committed_transcript(yes.) " +
		"committed_transcript_with_timestamps(yes.) partial_transcript(yes.)"
	if got := kinds(ms); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if ms, _ = read(t, c, 1); kinds(ms) != "committed_transcript()" {
		t.Fatalf("empty commit: %s", kinds(ms))
	}
}

func TestRefusals(t *testing.T) {
	_, url := start(t, Config{})
	if _, resp, err := websocket.DefaultDialer.Dial(url+vadQuery, http.Header{"xi-api-key": {"nope"}}); err == nil || resp.StatusCode != 401 {
		t.Fatalf("wrong key: %v", err)
	}
	for _, c := range []struct{ name, query string }{
		{"model", strings.Replace(vadQuery, "scribe_v2_realtime", "scribe_v1", 1)},
		{"a-law", strings.Replace(vadQuery, "ulaw_8000", "alaw_8000", 1)},
		{"vad silence", strings.Replace(vadQuery, "0.5", "0.2", 1)},
		{"min speech", vadQuery + "&min_speech_duration_ms=40"},
		{"vad threshold", vadQuery + "&vad_threshold=0.95"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws := dial(t, url+c.query)
			ms, err := read(t, ws, 2)
			if len(ms) != 1 || ms[0]["message_type"] != "input_error" || !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
				t.Fatalf("%v %v", ms, err)
			}
		})
	}
	t.Run("binary audio", func(t *testing.T) {
		ws := dial(t, url+vadQuery)
		if err := ws.WriteMessage(websocket.BinaryMessage, silence(20*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		ms, _ := read(t, ws, 3)
		if kinds(ms) != "session_started input_error" {
			t.Fatal(kinds(ms))
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	_, url := start(t, Config{Clock: clk})
	c := dial(t, url+vadQuery)
	if ms, err := read(t, c, 1); err != nil || kinds(ms) != "session_started" {
		t.Fatalf("%s %v", kinds(ms), err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if clk.Pending() == 0 {
			return errors.New("no idle timer")
		}
		return nil
	})
	clk.Advance(time.Hour)
	ms, err := read(t, c, 2)
	if kinds(ms) != "session_time_limit_exceeded" || !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Fatalf("%s %v", kinds(ms), err)
	}
}
