package engine_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// tone is a second of a tone of hz as a WAV file.
func tone(t *testing.T, hz float64) []byte {
	var buf bytes.Buffer
	w, err := codecs.NewWAVStreamWriter(&buf, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: 8000, Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, 8000)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*hz*float64(i)/8000))
	}
	if err := w.WriteSamples(pcm); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadSound uploads tone as assistant id's background sound.
func uploadSound(t *testing.T, srv *enginetest.Server, key string, id int64) (int, []byte) {
	t.Helper()
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "office.wav")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(tone(t, 440))
	mw.Close()
	upload := fmt.Sprintf("%s/api/v1/assistants/%d/background-sounds/upload", srv.URL, id)
	status, _, body := send(t, "POST", upload, key, http.Header{"Content-Type": {mw.FormDataContentType()}}, bytes.NewReader(form.Bytes()))
	return status, body
}

// A background sound uploaded through one node plays on another that
// shares its database: the sound is kept in PostgreSQL, each node's data
// directory only caches it.
func TestBackgroundSoundReachesEveryNode(t *testing.T) {
	pool, fakes := pgtest.Pool(t), withFakes(t)
	// Node A's data directory holds a sound uploaded before sounds were
	// kept in the database.
	dataA, before := t.TempDir(), tone(t, 330)
	sum := sha256.Sum256(before)
	beforeKey := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(filepath.Join(dataA, "sounds"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataA, "sounds", beforeKey), before, 0o600); err != nil {
		t.Fatal(err)
	}
	a := enginetest.Start(t, func(c *engine.Config) { fakes(c); c.Pool, c.Node, c.DataDir = pool, "node-a", dataA })
	b := enginetest.Start(t, func(c *engine.Config) { fakes(c); c.Pool, c.Node = pool, "node-b" })
	org, key := a.Key("Ambient")
	snap := createAssistant(t, a, org, key, `{"name":"Ambient"}`)
	status, body := uploadSound(t, a, key, snap.ID)
	var up struct {
		StorageKey string `json:"storage_key"`
	}
	if status != http.StatusCreated || json.Unmarshal(body, &up) != nil {
		t.Fatalf("upload through node A: %d %s", status, body)
	}
	s, err := b.Sounds.Load(t.Context(), up.StorageKey)
	if err != nil || s.Info().Duration != time.Second {
		t.Fatalf("node B loading node A's upload: %v", err)
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		_, err := b.Sounds.Load(t.Context(), beforeKey)
		return err
	})
	if _, err := b.Sounds.Load(t.Context(), strings.Repeat("0", 64)); !errors.Is(err, ambience.ErrUnknownSound) {
		t.Fatalf("a key nobody uploaded: %v", err)
	}
}

// An uploaded background sound becomes the assistant's, and a web call
// token opens the browser websocket (once routed through the engine's
// public URL); another organization can do neither.
func TestBackgroundSoundUploadAndWebCall(t *testing.T) {
	srv := enginetest.Start(t, withFakes(t))
	org, key := srv.Key("Media")
	_, other := srv.Key("Other")
	snap := createAssistant(t, srv, org, key, `{"name":"Ambient"}`)

	if status, _ := uploadSound(t, srv, other, snap.ID); status != http.StatusNotFound {
		t.Fatalf("another organization's upload: %d", status)
	}
	if status, body := uploadSound(t, srv, key, snap.ID); status != http.StatusCreated {
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
