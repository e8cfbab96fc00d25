package engine_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// Behind a load balancer a carrier's media stream may reach another node
// than its voice webhook did: the stream's ticket carries what the call
// needs, so the node the stream reaches runs the call. Here the balancer
// sends every plain request to node A and every websocket to node B, on
// one database.
func TestStreamLandsOnAnotherNodeThanItsWebhook(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	public := "http://" + ln.Addr().String()
	var toA, toB *httputil.ReverseProxy
	balancer := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			toB.ServeHTTP(w, r)
			return
		}
		toA.ServeHTTP(w, r)
	})}
	go func() { _ = balancer.Serve(ln) }()
	t.Cleanup(func() { _ = balancer.Close() })

	api, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	apiAddr := api.Addr().String()
	api.Close()
	pool, fakes := pgtest.Pool(t), withFakes(t)
	node := func(c *engine.Config) {
		fakes(c)
		c.Pool, c.PublicURL = pool, public
		c.CarrierAPIs = map[string]string{"twilio": "http://" + apiAddr}
	}
	a := enginetest.Start(t, func(c *engine.Config) { node(c); c.Node = "node-a" })
	b := enginetest.Start(t, func(c *engine.Config) { node(c); c.Node = "node-b" })
	proxy := func(s *enginetest.Server) *httputil.ReverseProxy {
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		return httputil.NewSingleHostReverseProxy(u)
	}
	toA, toB = proxy(a), proxy(b)
	cloud, err := twiliotest.New(twiliotest.Config{Engine: public, Public: public, APIAddr: apiAddr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cloud.Close)

	org, key := a.Key("Balanced")
	snap := createAssistant(t, a, org, key, fmt.Sprintf(`{"name":"Balanced",
		"llm_settings":{"welcome_message":"Welcome to the balanced line."},
		"twilio_config":{"account_sid":%q,"auth_token":%q}}`, cloud.AccountSID(), cloud.AuthToken()))
	if status, _, body := send(t, "POST", public+"/api/v1/phone-numbers", key, http.Header{"Content-Type": {"application/json"}},
		strings.NewReader(fmt.Sprintf(`{"phone_number":"+15550008888","provider":"twilio","assistant_id":%d}`, snap.ID))); status != http.StatusCreated {
		t.Fatalf("create number: %d %s", status, body)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	c, err := cloud.Dial(ctx, "+15550001111", "+15550008888")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Phone.WaitHeard(ctx, "Welcome to the balanced line."); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	if _, onB := b.Calls.Get(c.SID); !onB || a.Calls.Count() != 0 {
		t.Fatalf("the call runs on node B: %v; calls on node A: %d", onB, a.Calls.Count())
	}
	c.Say("hello there")
	if err := c.Phone.WaitHeard(ctx, "You said: Hello there"); err != nil {
		t.Fatalf("heard %q: %v", c.Phone.Transcript(), err)
	}
	c.HangUp()
	// Node A takes the carrier's final status, finds the call's node alive
	// and leaves the call to it: node B records its end.
	var call struct {
		Status      string `json:"status"`
		EndedReason string `json:"ended_reason"`
	}
	testkit.Eventually(t, 20*time.Second, func() error {
		getJSON(t, public+"/api/v1/calls/sid/"+c.SID, key, &call)
		if call.EndedReason != "customer-ended-call" {
			return fmt.Errorf("call %+v", call)
		}
		return nil
	})
	if violations := c.Violations(); len(violations) > 0 {
		t.Errorf("the engine broke Twilio's protocol: %v", violations)
	}
}
