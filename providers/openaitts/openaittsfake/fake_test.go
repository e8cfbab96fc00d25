package openaittsfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func post(t *testing.T, srv *Server, path, key, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.BaseURL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestSpeech(t *testing.T) {
	srv, err := Start(Options{Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer http.DefaultClient.CloseIdleConnections()
	resp, audio := post(t, srv, "/audio/speech", "k", `{"model":"gpt-4o-mini-tts","input":"Two words.","voice":{"id":"voice_123"},"response_format":"pcm"}`)
	want := fakespeech.WordDuration("Two") + gap + fakespeech.WordDuration("words.")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/pcm" || len(audio) != int(want/time.Millisecond)*48 {
		t.Errorf("%d %s: %d bytes, want %v of 24 kHz PCM", resp.StatusCode, resp.Header.Get("Content-Type"), len(audio), want)
	}
	for _, c := range []struct {
		path, key, body string
		status          int
		code            string
	}{
		{"/audio/speech", "bad", `{}`, 401, "invalid_api_key"},
		{"/audio/transcriptions", "k", `{}`, 404, ""},
		{"/audio/speech", "k", `{"model":"tts-9","input":"x","voice":"alloy","response_format":"pcm"}`, 404, "model_not_found"},
		{"/audio/speech", "k", `{"model":"tts-1","voice":"alloy","response_format":"pcm"}`, 400, "missing_required_parameter"},
		{"/audio/speech", "k", `{"model":"tts-1","input":"` + strings.Repeat("x", 4097) + `","voice":"alloy","response_format":"pcm"}`, 400, "string_above_max_length"},
		{"/audio/speech", "k", `{"model":"tts-1","input":"x","voice":"rachel","response_format":"pcm"}`, 400, "invalid_value"},
		{"/audio/speech", "k", `{"model":"tts-1","input":"x","voice":"alloy"}`, 400, "invalid_value"},
		{"/audio/speech", "k", `{"model":"tts-1","input":"x","voice":"alloy","response_format":"pcm","speed":5}`, 400, "invalid_value"},
	} {
		resp, body := post(t, srv, c.path, c.key, c.body)
		var e struct {
			Error struct {
				Message string
				Code    *string
			}
		}
		if resp.StatusCode != c.status || json.Unmarshal(body, &e) != nil || e.Error.Message == "" || (c.code != "" && (e.Error.Code == nil || *e.Error.Code != c.code)) {
			t.Errorf("%s %s: %d %s, want %d %s", c.path, c.body[:min(len(c.body), 60)], resp.StatusCode, body, c.status, c.code)
		}
	}
	if n := len(srv.Requests()); n != 7 {
		t.Errorf("%d requests recorded, want the 7 that reached validation", n)
	}
}
