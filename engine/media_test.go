package engine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
)

// tone is a second of a 440 Hz tone as a WAV file.
func tone(t *testing.T) []byte {
	var buf bytes.Buffer
	w, err := codecs.NewWAVStreamWriter(&buf, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: 8000, Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, 8000)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/8000))
	}
	if err := w.WriteSamples(pcm); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An uploaded background sound becomes the assistant's, and a web call
// token opens the browser websocket (once routed through the engine's
// public URL); another organization can do neither.
func TestBackgroundSoundUploadAndWebCall(t *testing.T) {
	srv := enginetest.Start(t, withFakes(t))
	org, key := srv.Key("Media")
	_, other := srv.Key("Other")
	snap := createAssistant(t, srv, org, key, `{"name":"Ambient"}`)

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "office.wav")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(tone(t))
	mw.Close()
	upload := fmt.Sprintf("%s/api/v1/assistants/%d/background-sounds/upload", srv.URL, snap.ID)
	ct := http.Header{"Content-Type": {mw.FormDataContentType()}}
	if status, _, _ := send(t, "POST", upload, other, ct, bytes.NewReader(form.Bytes())); status != http.StatusNotFound {
		t.Fatalf("another organization's upload: %d", status)
	}
	if status, _, body := send(t, "POST", upload, key, ct, bytes.NewReader(form.Bytes())); status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	var got struct {
		TTSSettings struct {
			BackgroundSound struct {
				Enabled    bool    `json:"enabled"`
				StorageKey *string `json:"storage_key"`
			} `json:"background_sound"`
		} `json:"tts_settings"`
	}
	getJSON(t, fmt.Sprintf("%s/api/v1/assistants/%d", srv.URL, snap.ID), key, &got)
	if bs := got.TTSSettings.BackgroundSound; !bs.Enabled || bs.StorageKey == nil || *bs.StorageKey == "" {
		t.Fatalf("background sound after the upload: %+v", bs)
	}

	webCall := fmt.Sprintf("%s/api/v1/assistants/%d/web-call", srv.URL, snap.ID)
	if status, _, _ := send(t, "POST", webCall, other, nil, nil); status != http.StatusNotFound {
		t.Fatalf("another organization's web call: %d", status)
	}
	status, _, body := send(t, "POST", webCall, key, nil, nil)
	var token struct{ URL string }
	if status != http.StatusCreated || json.Unmarshal(body, &token) != nil || token.URL == "" {
		t.Fatalf("web call: %d %s", status, body)
	}
	conn, _, err := websocket.DefaultDialer.Dial(token.URL, nil)
	if err != nil {
		t.Fatalf("open %s: %v", token.URL, err)
	}
	conn.Close()
	if _, resp, err := websocket.DefaultDialer.Dial(token.URL+"x", nil); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("altered token: %v", err)
	}
}
