package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// withFakes points the engine's providers at every fake, on loopback.
func withFakes(t *testing.T) func(*engine.Config) {
	return withScript(t, openaifake.Script{Default: "You said: {user}"})
}

// withScript is withFakes with the models answering script.
func withScript(t *testing.T, script openaifake.Script) func(*engine.Config) {
	_, opt := fakesFor(t, script)
	return opt
}

// fakesFor runs the fakes for one test: they, and the engine option that
// points at them.
func fakesFor(t *testing.T, script openaifake.Script) (*fakes.Fakes, func(*engine.Config)) {
	f, err := fakes.New(fakes.Options{Key: "fake-key", Script: script})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(func() { f.Close(); srv.Close() })
	env := map[string]string{"DEEPGRAM_API_KEY": "fake-key", "OPENAI_API_KEY": "fake-key", "ELEVENLABS_API_KEY": "fake-key",
		"SONIOX_API_KEY": "fake-key", "SPEECHMATICS_API_KEY": "fake-key"}
	for _, kv := range f.Env(srv.URL) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return f, func(c *engine.Config) { c.Getenv = func(k string) string { return env[k] } }
}

// line is a caller on a scripted carrier.
type line struct {
	carrier *voicetest.Carrier
	call    *call.Call
}

func (l *line) heard() string { return strings.Join(l.carrier.Heard(), " ") }

func (l *line) say(text string) {
	frames := fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(text)})
	for _, f := range append(frames, fakespeech.Silence(time.Second)...) {
		l.call.Audio(f)
	}
}

func dial(t *testing.T, srv *enginetest.Server, snap *assistants.Snapshot, id string) *line {
	t.Helper()
	l := &line{carrier: &voicetest.Carrier{}}
	ready := make(chan struct{})
	l.carrier.OnMark = func(name string) { <-ready; l.call.Mark(name) }
	c, err := srv.Calls.Start(t.Context(), call.Spec{Line: l.carrier, Snapshot: snap, CallInfo: voice.CallInfo{ID: id,
		OrganizationID: snap.OrganizationID, AssistantID: snap.ID, From: "+15550001111", To: "+15550002222",
		Direction: "inbound", Carrier: "twilio"}})
	if err != nil {
		t.Fatal(err)
	}
	l.call = c
	close(ready)
	return l
}

// A drain lets live calls finish, ends the rest at the deadline with a
// goodbye and a reason, fails readiness at once, and loses no record.
func TestShutdownDrainsLiveCalls(t *testing.T) {
	srv := enginetest.Start(t, withFakes(t))
	org, key := srv.Key("Drain")
	snap := createAssistant(t, srv, org, key, `{"name":"Drainer"}`)
	finisher, stayer := dial(t, srv, snap, "CA-finisher"), dial(t, srv, snap, "CA-stayer")
	stayer.say("hello there")
	testkit.Eventually(t, 20*time.Second, func() error {
		if !strings.Contains(stayer.heard(), "You said: Hello there.") {
			return fmt.Errorf("heard %q", stayer.heard())
		}
		return nil
	})

	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- srv.Shutdown(ctx, "We are closing now. Goodbye.") }()
	testkit.Eventually(t, 5*time.Second, func() error {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			return fmt.Errorf("readyz %d while draining", resp.StatusCode)
		}
		return nil
	})
	finisher.call.Stopped() // this caller hangs up by themselves during the drain
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if r := finisher.call.Reason(); r != events.EndCallerHungUp {
		t.Errorf("finisher ended with %q", r)
	}
	if r := stayer.call.Reason(); r != events.EndShutdown || !strings.HasSuffix(stayer.heard(), "We are closing now. Goodbye.") {
		t.Errorf("stayer ended with %q after hearing %q", r, stayer.heard())
	}
	for sid, want := range map[string]string{"CA-finisher": events.EndCallerHungUp, "CA-stayer": events.EndShutdown} {
		row, err := srv.Store.GetCallBySID(context.Background(), org, sid)
		if err != nil || row.EndedReason == nil || *row.EndedReason != want {
			t.Errorf("record of %s: %+v, %v", sid, row, err)
		}
	}
}

// createAssistant creates an assistant through the API and returns it as
// calls see it.
func createAssistant(t *testing.T, srv *enginetest.Server, org int64, key, body string) *assistants.Snapshot {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/api/v1/assistants", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var created struct{ ID int64 }
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create assistant: %d %v", resp.StatusCode, err)
	}
	snap, err := srv.Assistants.Get(t.Context(), org, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// A live call is listed with its state and can be watched over a
// websocket: its transcript arrives in order, then its end. Other
// organizations see neither.
func TestLiveCallIsWatched(t *testing.T) {
	srv := enginetest.Start(t, withFakes(t))
	org, key := srv.Key("Live")
	_, otherKey := srv.Key("Other")
	snap := createAssistant(t, srv, org, key, `{"name":"Watched"}`)
	l := dial(t, srv, snap, "CA-live")

	var listed struct {
		Items []struct {
			CallSID string `json:"call_sid"`
			Turns   int    `json:"turns"`
		} `json:"items"`
	}
	getJSON(t, srv.URL+"/api/v1/calls/live", key, &listed)
	if len(listed.Items) != 1 || listed.Items[0].CallSID != "CA-live" {
		t.Fatalf("live calls %+v", listed)
	}
	getJSON(t, srv.URL+"/api/v1/calls/live", otherKey, &listed)
	if len(listed.Items) != 0 {
		t.Fatalf("another organization sees %+v", listed)
	}

	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/v1/calls/CA-live/live"
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Authorization": {"Bearer " + otherKey}}); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another organization's watch: %v", err)
	}
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Authorization": {"Bearer " + key}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	l.say("where is my parcel")
	var finals []string
	for {
		var m struct {
			Type string `json:"type"`
			Data struct {
				Speaker string `json:"speaker"`
				Text    string `json:"text"`
				Final   bool   `json:"final"`
				Reason  string `json:"reason"`
			} `json:"data"`
		}
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		if err := conn.ReadJSON(&m); err != nil {
			t.Fatalf("after %v: %v", finals, err)
		}
		if m.Type == "transcript" && m.Data.Final {
			finals = append(finals, m.Data.Speaker+": "+m.Data.Text)
			if m.Data.Speaker == "assistant" {
				l.call.Stopped()
			}
		}
		if m.Type == "call-ended" {
			if m.Data.Reason != events.EndCallerHungUp {
				t.Errorf("ended %q", m.Data.Reason)
			}
			break
		}
	}
	want := []string{"user: Where is my parcel.", "assistant: You said: Where is my parcel."}
	if !slices.Equal(finals, want) {
		t.Fatalf("transcript %q, want %q", finals, want)
	}
	if _, _, err := conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("after the end: %v", err)
	}

	// The call is counted in the metrics.
	rec := httptest.NewRecorder()
	srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`switchboard_calls_started_total{carrier="twilio",direction="inbound"} 1` + "\n",
		`switchboard_calls_ended_total{reason="customer-ended-call"} 1` + "\n",
		"switchboard_calls_active 0\n",
		"switchboard_turns_total 1\n",
		"switchboard_turn_latency_seconds_count 1\n",
		`switchboard_llm_first_token_seconds_count{provider="openai"} 1` + "\n",
		`switchboard_tts_first_audio_seconds_count{provider="elevenlabs"} 1` + "\n",
		"switchboard_records_queue_depth ",
		"go_goroutines ",
		// The engine's own overhead, timed from the recogniser's end of turn
		// to the model's request (the carrier side is timed on carrier
		// sockets: TestTwilioCallIsRecordedAndReported).
		`switchboard_engine_overhead_seconds_count{stage="end_of_turn_to_request"} 1` + "\n",
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %q in\n%s", want, rec.Body.String())
		}
	}
}

func getJSON(t *testing.T, url, key string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
