package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// sipTLSFiles writes the PKI's certificate, key and authority as the
// engine's SIP TLS settings name them.
func sipTLSFiles(t *testing.T, pki *siptest.PKI) engine.SIPTLS {
	t.Helper()
	dir := t.TempDir()
	s := engine.SIPTLS{Addr: "127.0.0.1:0", CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"),
		CAFile: filepath.Join(dir, "ca.pem")}
	for path, pem := range map[string][]byte{s.CertFile: pki.CertPEM, s.KeyFile: pki.KeyPEM, s.CAFile: pki.CAPEM} {
		if err := os.WriteFile(path, pem, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// A trunk whose outbound_transport is tls, set through the REST API,
// places the call over TLS to a far end whose certificate the engine's
// CA file vouches for; the far end hears the assistant and hangs up.
func TestSIPTrunkOutboundOverTLS(t *testing.T) {
	pki, err := siptest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	files := sipTLSFiles(t, pki)
	srv := enginetest.Start(t, func(c *engine.Config) { withFakes(t)(c); c.SIPAddr = "127.0.0.1:0"; c.SIPTLS = files })
	if srv.Engine.Gateways.SIP.TLSAddr() == nil {
		t.Fatal("no SIP TLS listener")
	}
	org, key := srv.Key("Trunked")
	snap := createAssistant(t, srv, org, key, `{"name":"Caller","llm_settings":{"welcome_message":"Hello over TLS."}}`)
	post := func(path, body string, want int) string {
		status, _, out := send(t, "POST", srv.URL+path, key, http.Header{"Content-Type": {"application/json"}}, strings.NewReader(body))
		if status != want {
			t.Fatalf("POST %s: %d %s", path, status, out)
		}
		return string(out)
	}
	callee, err := siptest.Listen(siptest.CalleeConfig{Behaviour: siptest.Pick, TLS: pki.Config()})
	if err != nil {
		t.Fatal(err)
	}
	defer callee.Close()
	post("/api/v1/sip-trunks", fmt.Sprintf(`{"name":"Carrier","allowed_addresses":["127.0.0.1"],"outbound_address":"%s","outbound_transport":"tls"}`,
		callee.Addr()), http.StatusCreated)
	post("/api/v1/phone-numbers", fmt.Sprintf(`{"phone_number":"+15550008889","provider":"sip","assistant_id":%d}`, snap.ID), http.StatusCreated)
	var placed struct {
		CallSID string `json:"call_sid"`
	}
	call := fmt.Sprintf(`{"assistant_id":%d,"from":"+15550008889","to":"+15550142424"}`, snap.ID)
	if err := json.Unmarshal([]byte(post("/api/v1/calls/outbound", call, http.StatusCreated)), &placed); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	a, err := callee.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tr := a.Invite.Transport(); tr != "TLS" || a.CallID() != placed.CallSID {
		t.Fatalf("INVITE %s over %s", a.CallID(), tr)
	}
	if err := a.Phone.WaitHeard(ctx, "Hello over TLS."); err != nil {
		t.Fatalf("heard %q: %v", a.Phone.Transcript(), err)
	}
	a.HangUp()
	testkit.Eventually(t, 20*time.Second, func() error {
		var status, reason string
		_ = srv.Store.Pool().QueryRow(context.Background(), `SELECT status, coalesce(ended_reason, '') FROM calls
			WHERE call_sid = $1 AND carrier = 'sip'`, placed.CallSID).Scan(&status, &reason)
		if status != "completed" || reason != "customer-ended-call" {
			return fmt.Errorf("call record: %s %s", status, reason)
		}
		return nil
	})
}
