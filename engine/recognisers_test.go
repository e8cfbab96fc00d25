package engine_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// The conversation runs the same whichever recogniser the assistant names:
// the caller is heard through that recogniser's fake and answered.
func TestConversationPerRecogniser(t *testing.T) {
	srv := enginetest.Start(t, withFakes(t))
	org, key := srv.Key("Recognisers")
	for _, c := range []struct{ provider, model string }{
		{"deepgram", "nova-2"},
		{"soniox", "stt-rt-v3"},
		{"speechmatics", "enhanced"},
		{"elevenlabs", "scribe_v2_realtime"},
	} {
		t.Run(c.provider, func(t *testing.T) {
			snap := createAssistant(t, srv, org, key, fmt.Sprintf(
				`{"name":"Hears with %s","stt_settings":{"provider":%q,"model":%q,"soniox_config":{"max_endpoint_delay_ms":500},"speechmatics_config":{"utterance_silence_timeout":0.5},"elevenlabs_config":{"vad_silence_threshold_secs":0.5,"include_timestamps":true}}}`,
				c.provider, c.provider, c.model))
			l := dial(t, srv, snap, "CA-"+c.provider)
			l.say("hello there")
			testkit.Eventually(t, 20*time.Second, func() error {
				if !strings.Contains(strings.ToLower(l.heard()), "you said: hello there") {
					return fmt.Errorf("heard %q", l.heard())
				}
				return nil
			})
			l.call.Stopped()
		})
	}
}

// A recogniser's setting it cannot honour is refused, named.
func TestRecogniserSettingsRefused(t *testing.T) {
	srv := enginetest.Start(t, withFakes(t))
	_, key := srv.Key("Refused")
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/api/v1/assistants", strings.NewReader(
		`{"name":"Translator","stt_settings":{"provider":"soniox","model":"stt-rt-v3","soniox_config":{"translation_type":"one_way"}}}`))
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
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "soniox_config") ||
		!strings.Contains(string(body), "translation_type") {
		t.Fatalf("%s: %s", resp.Status, body)
	}
}
