package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// hooks receives an assistant's webhooks.
type hooks struct {
	*httptest.Server
	mu     sync.Mutex
	bodies map[string][]byte // by type: the last one's message
	signed bool
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{bodies: map[string][]byte{}, signed: true}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m struct {
			Message json.RawMessage `json:"message"`
		}
		_ = json.Unmarshal(body, &m)
		var typ struct{ Type string }
		_ = json.Unmarshal(m.Message, &typ)
		h.mu.Lock()
		h.bodies[typ.Type] = m.Message
		h.signed = h.signed && r.Header.Get(webhooks.SignatureHeader) != ""
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hooks) last(typ string) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bodies[typ]
}

// twilioEngine is an engine on the provider fakes, its Twilio REST API a
// fake Twilio that also places calls to it.
func twilioEngine(t *testing.T) (*enginetest.Server, *twiliotest.Cloud) {
	return twilioEngineWith(t, withFakes(t))
}

// twilioEngineWith is twilioEngine on the given fakes.
func twilioEngineWith(t *testing.T, fakes func(*engine.Config)) (*enginetest.Server, *twiliotest.Cloud) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	apiAddr := ln.Addr().String()
	ln.Close()
	srv := enginetest.Start(t, func(c *engine.Config) {
		fakes(c)
		c.CarrierAPIs = map[string]string{"twilio": "http://" + apiAddr}
	})
	cloud, err := twiliotest.New(twiliotest.Config{Engine: srv.URL, Public: srv.URL, APIAddr: apiAddr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cloud.Close)
	return srv, cloud
}

// send makes an API request and returns the response's status and body.
func send(t *testing.T, method, url, key string, header http.Header, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// A call through Twilio's real protocol, end to end: the number routes it
// to the assistant, the caller hears the welcome and the reply, the call
// is recorded, and the end-of-call webhook links the recording through a
// signed URL that serves it (with byte ranges) without an API key, as the
// API does with one.
func TestTwilioCallIsRecordedAndReported(t *testing.T) {
	srv, cloud := twilioEngine(t)
	org, key := srv.Key("Recorded")
	hook := newHooks(t)
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Recorder","webhook_url":%q,
		"llm_settings":{"welcome_message":"Welcome to the test line."},
		"twilio_config":{"account_sid":%q,"auth_token":%q},
		"recording_settings":{"format":"wav"}}`,
		hook.URL, cloud.AccountSID(), cloud.AuthToken()))
	if status, _, body := send(t, "POST", srv.URL+"/api/v1/phone-numbers", key, http.Header{"Content-Type": {"application/json"}},
		strings.NewReader(fmt.Sprintf(`{"phone_number":"+15550007777","provider":"twilio","assistant_id":%d}`, snap.ID))); status != http.StatusCreated {
		t.Fatalf("create number: %d %s", status, body)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c, err := cloud.Dial(ctx, "+15550001111", "+15550007777")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Phone.WaitHeard(ctx, "Welcome to the test line."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.Say("hello there")
	if err := c.Phone.WaitHeard(ctx, "You said: Hello there."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.HangUp()
	// The engine timed its own overhead: from the recogniser's end of turn
	// to the model's request, and from the welcome's and the reply's audio
	// to their first frames written to the socket.
	testkit.Eventually(t, 10*time.Second, func() error {
		rec := httptest.NewRecorder()
		srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for _, want := range []string{
			`switchboard_engine_overhead_seconds_count{stage="end_of_turn_to_request"} 1` + "\n",
			`switchboard_engine_overhead_seconds_count{stage="audio_to_frame"} 2` + "\n",
		} {
			if !strings.Contains(rec.Body.String(), want) {
				return fmt.Errorf("metrics lack %q", want)
			}
		}
		return nil
	})

	var report struct {
		EndedReason  string `json:"endedReason"`
		RecordingURL string `json:"recordingUrl"`
		Call         struct {
			ID string `json:"id"`
		} `json:"call"`
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		body := hook.last("end-of-call-report")
		if body == nil {
			return fmt.Errorf("no end-of-call report yet")
		}
		return json.Unmarshal(body, &report)
	})
	if report.Call.ID != c.SID || report.EndedReason != "customer-ended-call" || !strings.HasPrefix(report.RecordingURL, srv.URL+"/recordings/") {
		t.Fatalf("end-of-call report %+v", report)
	}
	if violations := c.Violations(); len(violations) > 0 {
		t.Errorf("the engine broke Twilio's protocol: %v", violations)
	}

	status, hdr, wav := send(t, "GET", report.RecordingURL, "", nil, nil)
	if status != http.StatusOK || !strings.HasPrefix(string(wav), "RIFF") || len(wav) < 8000 {
		t.Fatalf("signed recording link: %d %s, %d bytes", status, hdr.Get("Content-Type"), len(wav))
	}
	status, _, part := send(t, "GET", report.RecordingURL, "", http.Header{"Range": {"bytes=8-11"}}, nil)
	if status != http.StatusPartialContent || string(part) != "WAVE" {
		t.Fatalf("range request: %d %q", status, part)
	}
	if status, _, _ := send(t, "GET", strings.Replace(report.RecordingURL, "signature=", "signature=0", 1), "", nil, nil); status != http.StatusForbidden {
		t.Fatalf("altered link: %d", status)
	}

	var call struct{ ID int64 }
	getJSON(t, srv.URL+"/api/v1/calls/sid/"+c.SID, key, &call)
	var files []struct {
		RecordingType string `json:"recording_type"`
		RecordingURL  string `json:"recording_url"`
		FileSize      int64  `json:"file_size"`
	}
	getJSON(t, fmt.Sprintf("%s/api/v1/calls/%d/recordings", srv.URL, call.ID), key, &files)
	if len(files) != 3 || files[0].RecordingType != "mixed" || files[1].RecordingType != "assistant" || files[2].RecordingType != "user" {
		t.Fatalf("recordings %+v", files)
	}
	status, _, mixed := send(t, "GET", srv.URL+files[0].RecordingURL, key, nil, nil)
	if status != http.StatusOK || string(mixed) != string(wav) || int64(len(mixed)) != files[0].FileSize {
		t.Fatalf("download: %d, %d bytes of %d", status, len(mixed), files[0].FileSize)
	}
	_, other := srv.Key("Other")
	if status, _, _ := send(t, "GET", srv.URL+files[0].RecordingURL, other, nil, nil); status != http.StatusNotFound {
		t.Fatalf("another organization's download: %d", status)
	}
	if !hook.signed {
		t.Errorf("a webhook came without %s", webhooks.SignatureHeader)
	}
}

// An outbound call placed through the API goes out through Twilio's REST
// API from one of the organization's numbers; when the callee answers,
// the assistant greets them and the call is recorded as outbound.
func TestOutboundCallThroughTwilio(t *testing.T) {
	srv, cloud := twilioEngine(t)
	org, key := srv.Key("Dialer")
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Caller",
		"llm_settings":{"welcome_message":"Hello {{customer_name}}, this is the clinic calling."},
		"twilio_config":{"account_sid":%q,"auth_token":%q},"recording_settings":{"enabled":false}}`,
		cloud.AccountSID(), cloud.AuthToken()))
	asJSON := http.Header{"Content-Type": {"application/json"}}
	if status, _, body := send(t, "POST", srv.URL+"/api/v1/phone-numbers", key, asJSON,
		strings.NewReader(fmt.Sprintf(`{"phone_number":"+15550008888","provider":"twilio","assistant_id":%d}`, snap.ID))); status != http.StatusCreated {
		t.Fatalf("create number: %d %s", status, body)
	}
	if status, _, body := send(t, "POST", srv.URL+"/api/v1/calls/outbound", key, asJSON, strings.NewReader(fmt.Sprintf(
		`{"assistant_id":%d,"to":"+15550009999","from":"+15550008888","variables":{"not a name":"x"}}`, snap.ID))); status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(body), "variables") {
		t.Fatalf("a bad variable name: %d %s", status, body)
	}
	// Call-time variables reach the call, sealed in the database meanwhile
	// (never in the carrier's URLs).
	outbound := fmt.Sprintf(`{"assistant_id":%d,"to":"+15550009999","from":"+15550008888","variables":{"customer_name":"Ada"}}`, snap.ID)
	_, other := srv.Key("Other")
	if status, _, _ := send(t, "POST", srv.URL+"/api/v1/calls/outbound", other, asJSON, strings.NewReader(outbound)); status != http.StatusNotFound {
		t.Fatalf("another organization placed the call: %d", status)
	}
	status, _, body := send(t, "POST", srv.URL+"/api/v1/calls/outbound", key, asJSON, strings.NewReader(outbound))
	if status != http.StatusCreated {
		t.Fatalf("outbound: %d %s", status, body)
	}
	var c *twiliotest.Call
	select {
	case c = <-cloud.Placed():
	case <-time.After(20 * time.Second):
		t.Fatal("Twilio was not asked to place the call")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := c.Phone.WaitHeard(ctx, "Hello Ada, this is the clinic calling."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	if c.To != "+15550009999" || c.From != "+15550008888" || !strings.Contains(string(body), c.SID) {
		t.Fatalf("placed %s → %s as %s; API answered %s", c.From, c.To, c.SID, body)
	}
	c.HangUp()
	testkit.Eventually(t, 20*time.Second, func() error {
		row, err := srv.Store.GetCallBySID(context.Background(), org, c.SID)
		if err != nil {
			return err
		}
		if row.EndedReason == nil || row.Direction != "outbound" {
			return fmt.Errorf("call row %+v", row)
		}
		return nil
	})
}

// Once the engine drains, a new call is answered with a spoken refusal
// and hung up, rather than dropped.
func TestTwilioCallDuringDrainIsRefused(t *testing.T) {
	srv, cloud := twilioEngine(t)
	org, key := srv.Key("Draining")
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Closing",
		"twilio_config":{"account_sid":%q,"auth_token":%q}}`, cloud.AccountSID(), cloud.AuthToken()))
	if status, _, body := send(t, "POST", srv.URL+"/api/v1/phone-numbers", key, http.Header{"Content-Type": {"application/json"}},
		strings.NewReader(fmt.Sprintf(`{"phone_number":"+15550006666","provider":"twilio","assistant_id":%d}`, snap.ID))); status != http.StatusCreated {
		t.Fatalf("create number: %d %s", status, body)
	}
	srv.Calls.Refuse() // what a drain does first
	c, err := cloud.Dial(t.Context(), "+15550001111", "+15550006666")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("the refused call did not end")
	}
	if said := c.Said(); len(said) != 1 || said[0] != telephony.RefusalDraining || c.Streams() != 0 {
		t.Fatalf("during a drain the caller heard %q over %d streams", said, c.Streams())
	}
}
