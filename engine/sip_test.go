package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// A PBX's trunk, configured through the REST API, calls a SIP number of
// the engine: digest-authenticated, routed by the dialled number, it
// converses over RTP and hangs up, and the call is recorded as a SIP call.
func TestSIPTrunkCall(t *testing.T) {
	fakes := withFakes(t)
	srv := enginetest.Start(t, func(c *engine.Config) { fakes(c); c.SIPAddr = "127.0.0.1:0" })
	org, key := srv.Key("Trunked")
	snap := createAssistant(t, srv, org, key, `{"name":"Front desk","llm_settings":{"welcome_message":"Welcome to the trunk line."}}`)
	post := func(path, body string) string {
		status, _, out := send(t, "POST", srv.URL+path, key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
		if status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", path, status, out)
		}
		return string(out)
	}
	post("/api/v1/sip-trunks", `{"name":"Asterisk","allowed_addresses":["127.0.0.1"],"inbound_username":"pbx","inbound_password":"trunk-secret"}`)
	post("/api/v1/phone-numbers", fmt.Sprintf(`{"phone_number":"+15550008888","provider":"sip","assistant_id":%d}`, snap.ID))

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	gw := srv.Gateways.SIP.Addr().(*net.UDPAddr).AddrPort()
	_, err := siptest.Dial(ctx, siptest.Config{Gateway: gw, From: "+15550001111", To: "+15550008888", Username: "pbx", Password: "nope"})
	var refused *siptest.ErrRefused
	if !errors.As(err, &refused) || refused.Code != 403 {
		t.Fatalf("a wrong password: %v", err)
	}
	c, err := siptest.Dial(ctx, siptest.Config{Gateway: gw, From: "+15550001111", To: "+15550008888", Username: "pbx", Password: "trunk-secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Phone.WaitHeard(ctx, "Welcome to the trunk line."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.Say("hello there")
	if err := c.Phone.WaitHeard(ctx, "You said: Hello there."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.HangUp()
	// The engine timed its overhead up to the wire: the welcome's and the
	// reply's first audio to their first packets sent.
	testkit.Eventually(t, 10*time.Second, func() error {
		rec := httptest.NewRecorder()
		srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if want := `switchboard_engine_overhead_seconds_count{stage="audio_to_frame"} 2` + "\n"; !strings.Contains(rec.Body.String(), want) {
			return fmt.Errorf("metrics lack %q", want)
		}
		return nil
	})
	testkit.Eventually(t, 20*time.Second, func() error {
		var carrier, reason string
		err := srv.Store.Pool().QueryRow(context.Background(),
			`SELECT carrier, coalesce(ended_reason, '') FROM calls WHERE organization_id = $1`, org).Scan(&carrier, &reason)
		if err != nil || carrier != "sip" || reason != "customer-ended-call" {
			return fmt.Errorf("call record: %s %s %v", carrier, reason, err)
		}
		return nil
	})
	if v := c.Violations(); len(v) > 0 {
		t.Fatalf("RTP violations: %v", v)
	}
}

// A call placed from a SIP number goes out through its trunk: the far
// end hears the assistant over RTP and hangs up; a busy callee leaves the
// call busy; a number whose trunks have no outbound address is refused.
func TestSIPTrunkOutboundCall(t *testing.T) {
	srv := enginetest.Start(t, func(c *engine.Config) { withFakes(t)(c); c.SIPAddr = "127.0.0.1:0" })
	org, key := srv.Key("Trunked")
	snap := createAssistant(t, srv, org, key, `{"name":"Caller","llm_settings":{"welcome_message":"Hello from the trunk."}}`)
	post := func(path, body string, want int) string {
		status, _, out := send(t, "POST", srv.URL+path, key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
		if status != want {
			t.Fatalf("POST %s: %d %s", path, status, out)
		}
		return string(out)
	}
	post("/api/v1/phone-numbers", fmt.Sprintf(`{"phone_number":"+15550008889","provider":"sip","assistant_id":%d}`, snap.ID), http.StatusCreated)
	call := fmt.Sprintf(`{"assistant_id":%d,"from":"+15550008889","to":"+15550142424"}`, snap.ID)
	if out := post("/api/v1/calls/outbound", call, http.StatusUnprocessableEntity); !strings.Contains(out, "outbound_address") {
		t.Fatalf("no trunk: %s", out)
	}
	callee, err := siptest.Listen(siptest.CalleeConfig{Behaviour: siptest.Pick, Username: "acct", Password: "out-secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer callee.Close()
	post("/api/v1/sip-trunks", fmt.Sprintf(`{"name":"Carrier","allowed_addresses":["127.0.0.1"],"outbound_address":"%s",`+
		`"outbound_username":"acct","outbound_password":"out-secret","caller_id":"+15550007777"}`, callee.Addr()), http.StatusCreated)
	var placed struct {
		CallSID string `json:"call_sid"`
		Carrier string `json:"carrier"`
	}
	if err := json.Unmarshal([]byte(post("/api/v1/calls/outbound", call, http.StatusCreated)), &placed); err != nil || placed.Carrier != "sip" {
		t.Fatalf("placed %+v %v", placed, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	a, err := callee.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.CallID() != placed.CallSID || a.User("From") != "+15550007777" {
		t.Fatalf("INVITE %s from %s", a.CallID(), a.User("From"))
	}
	if err := a.Phone.WaitHeard(ctx, "Hello from the trunk."); err != nil {
		t.Fatalf("heard %q: %v", a.Phone.Transcript(), err)
	}
	a.HangUp()
	row := func(sid string) (status, direction, reason string) {
		_ = srv.Store.Pool().QueryRow(context.Background(), `SELECT status, direction, coalesce(ended_reason, '') FROM calls
			WHERE call_sid = $1 AND carrier = 'sip'`, sid).Scan(&status, &direction, &reason)
		return
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		if s, d, r := row(placed.CallSID); s != "completed" || d != "outbound" || r != "customer-ended-call" {
			return fmt.Errorf("call record: %s %s %s", s, d, r)
		}
		return nil
	})
	if v := a.Violations(); len(v) > 0 {
		t.Fatalf("RTP violations: %v", v)
	}

	// A number tied to a trunk whose far end is busy: the call is busy,
	// ended without starting, as a carrier's busy call is.
	busy, err := siptest.Listen(siptest.CalleeConfig{Behaviour: siptest.Busy})
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var trunk struct{ ID int64 }
	_ = json.Unmarshal([]byte(post("/api/v1/sip-trunks", fmt.Sprintf(`{"name":"Busy","allowed_addresses":["127.0.0.1"],"outbound_address":"%s"}`,
		busy.Addr()), http.StatusCreated)), &trunk)
	post("/api/v1/phone-numbers", fmt.Sprintf(`{"phone_number":"+15550008890","provider":"sip","assistant_id":%d,"sip_trunk_id":%d}`,
		snap.ID, trunk.ID), http.StatusCreated)
	call = fmt.Sprintf(`{"assistant_id":%d,"from":"+15550008890","to":"+15550142424"}`, snap.ID)
	if err := json.Unmarshal([]byte(post("/api/v1/calls/outbound", call, http.StatusCreated)), &placed); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		if s, d, r := row(placed.CallSID); s != "busy" || d != "outbound" || r != "" {
			return fmt.Errorf("busy call record: %s %s %q", s, d, r)
		}
		return nil
	})
}

// Without the SIP listener a SIP number places no calls: the API says so.
func TestSIPNumberWithoutListener(t *testing.T) {
	srv := enginetest.Start(t, withFakes(t))
	org, key := srv.Key("Trunked")
	snap := createAssistant(t, srv, org, key, `{"name":"Caller"}`)
	body := fmt.Sprintf(`{"phone_number":"+15550008889","provider":"sip","assistant_id":%d}`, snap.ID)
	if status, _, out := send(t, "POST", srv.URL+"/api/v1/phone-numbers", key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body)); status != http.StatusCreated {
		t.Fatalf("number: %d %s", status, out)
	}
	body = fmt.Sprintf(`{"assistant_id":%d,"from":"+15550008889","to":"+15550142424"}`, snap.ID)
	status, _, out := send(t, "POST", srv.URL+"/api/v1/calls/outbound", key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(out), "sip-addr") {
		t.Fatalf("outbound from a sip number: %d %s", status, out)
	}
}

// A transfer the trunk refuses (REFER 405) hangs the caller up, and the
// call's record and end-of-call report say the transfer failed.
func TestSIPTransferRefusedIsReported(t *testing.T) {
	script := openaifake.Script{Rules: []openaifake.Rule{{Contains: "person", ToolCalls: []openaifake.ToolCall{{Name: "transfer_call"}}}}}
	srv := enginetest.Start(t, func(c *engine.Config) { withScript(t, script)(c); c.SIPAddr = "127.0.0.1:0" })
	org, key := srv.Key("Trunked")
	hook := newHooks(t)
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Front desk","webhook_url":%q,
		"tools_settings":{"transfer_call":{"enabled":true,"transfer_numbers":["+15550004444"]}}}`, hook.URL))
	for path, body := range map[string]string{
		"/api/v1/sip-trunks":    `{"name":"Asterisk","allowed_addresses":["127.0.0.1"]}`,
		"/api/v1/phone-numbers": fmt.Sprintf(`{"phone_number":"+15550008888","provider":"sip","assistant_id":%d}`, snap.ID),
	} {
		if status, _, out := send(t, "POST", srv.URL+path, key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body)); status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", path, status, out)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	gw := srv.Gateways.SIP.Addr().(*net.UDPAddr).AddrPort()
	c, err := siptest.Dial(ctx, siptest.Config{Gateway: gw, From: "+15550001111", To: "+15550008888", Refer: siptest.ReferAnswer{Code: 405}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Say("a person please")
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatalf("the call did not end; heard %q", c.Phone.Transcript())
	}
	var report struct {
		EndedReason string `json:"endedReason"`
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		body := hook.last("end-of-call-report")
		if body == nil {
			return errors.New("no end-of-call report yet")
		}
		return json.Unmarshal(body, &report)
	})
	var reason string
	if err := srv.Store.Pool().QueryRow(ctx, `SELECT coalesce(ended_reason, '') FROM calls WHERE organization_id = $1`, org).Scan(&reason); err != nil {
		t.Fatal(err)
	}
	if report.EndedReason != "call-transfer-failed" || reason != "call-transfer-failed" || len(c.Refers()) != 1 || !c.HungUpByEngine() {
		t.Fatalf("report %+v, ended_reason %q, REFERs %q, BYE from the engine %v", report, reason, c.Refers(), c.HungUpByEngine())
	}
}
