package telnyxtest

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// serveAPI is the Call Control API, the parts the engine uses.
func (cl *Cloud) serveAPI(w http.ResponseWriter, r *http.Request) {
	body := carriertest.ReadJSON[map[string]any](w, r)
	authorized := carriertest.BearerAuth(r, cl.cfg.APIKey)
	cl.requests.Add(Request{Path: r.URL.Path, Body: body, Authorized: authorized})
	if !authorized {
		apiError(w, http.StatusUnauthorized, "10009", "Authentication failed")
		return
	}
	str := func(k string) string { s, _ := body[k].(string); return s }
	switch {
	case r.URL.Path == "/calls":
		cl.dial(w, body, str)
		return
	case r.URL.Path == "/messages":
		cl.messages.Add(map[string]string{"from": str("from"), "to": str("to"), "text": str("text"),
			"messaging_profile_id": str("messaging_profile_id")})
		ok(w, map[string]any{"id": carriertest.Hex(16)})
		return
	}
	rest, found := strings.CutPrefix(r.URL.Path, "/calls/")
	id, action, _ := strings.Cut(rest, "/actions/")
	c, known := cl.calls.Get(id)
	if !found || !known {
		apiError(w, http.StatusNotFound, "90015", "Call not found")
		return
	}
	if c.Over() {
		apiError(w, http.StatusUnprocessableEntity, "90018", "Call has already ended")
		return
	}
	c.setState(str("client_state"))
	switch action {
	case "answer":
		ok(w, map[string]any{"result": "ok"})
		cl.async(func(ctx context.Context) {
			_ = cl.event(ctx, "call.answered", c, nil)
			if u := str("stream_url"); u != "" {
				c.stream(u, str("stream_auth_token"), nil)
			}
		})
	case "speak":
		c.Hear(str("payload"))
		ok(w, map[string]any{"result": "ok"})
		cl.async(func(ctx context.Context) {
			_ = cl.event(ctx, "call.speak.ended", c, map[string]any{"status": "completed"})
		})
	case "hangup":
		ok(w, map[string]any{"result": "ok"})
		c.end("normal_clearing")
	case "transfer":
		if cl.cfg.RefuseTransfers {
			apiError(w, http.StatusUnprocessableEntity, "10015", "Invalid value for to: the destination may not be dialled")
			return
		}
		c.mu.Lock()
		c.transferTo = str("to")
		c.mu.Unlock()
		c.Interrupt() // the call leaves the stream for the new leg
		c.Answer()
		ok(w, map[string]any{"result": "ok"})
	case "send_dtmf":
		c.mu.Lock()
		c.dtmfSent = append(c.dtmfSent, str("digits"))
		c.mu.Unlock()
		ok(w, map[string]any{"result": "ok"})
	default:
		apiError(w, http.StatusUnprocessableEntity, "10015", "Unsupported action "+action)
	}
}

// dial places an outbound call; the callee answers at once.
func (cl *Cloud) dial(w http.ResponseWriter, body map[string]any, str func(string) string) {
	if str("connection_id") != cl.cfg.ConnectionID || str("to") == "" || str("from") == "" {
		apiError(w, http.StatusUnprocessableEntity, "10032", "connection_id, to and from are required")
		return
	}
	amd := str("answering_machine_detection")
	switch amd {
	case "", "disabled":
		amd = ""
	case "detect", "detect_beep", "detect_words", "greeting_end":
	default:
		apiError(w, http.StatusUnprocessableEntity, "10032", "answering_machine_detection is not a valid value")
		return
	}
	c := cl.newCall(str("from"), str("to"), "outgoing")
	ok(w, map[string]any{"call_control_id": c.ID, "call_leg_id": c.ID, "call_session_id": c.session, "is_alive": true})
	cl.async(func(ctx context.Context) {
		_ = cl.event(ctx, "call.initiated", c, nil)
		_ = cl.event(ctx, "call.answered", c, nil)
		if u := str("stream_url"); u != "" {
			c.stream(u, str("stream_auth_token"), func() {
				if amd != "" {
					cl.async(func(ctx context.Context) { cl.reportAMD(ctx, c) })
				}
				cl.placed <- c
			})
		}
	})
}

// amdTime is how long Telnyx's detection listens before it reports.
const amdTime = time.Second

// reportAMD sends what answering-machine detection found, as Telnyx does
// a while after the callee answered (premium detection's event is
// call.machine.premium.detection.ended).
func (cl *Cloud) reportAMD(ctx context.Context, c *Call) {
	who := "human"
	if cl.cfg.AnsweredBy != nil {
		who = cl.cfg.AnsweredBy(c.To)
	}
	select {
	case <-time.After(amdTime):
	case <-ctx.Done():
		return
	}
	_ = cl.event(ctx, "call.machine.detection.ended", c, map[string]any{"result": who})
}

// async runs f tracked by Close, with the time Telnyx gives a webhook.
func (cl *Cloud) async(f func(ctx context.Context)) { cl.bg.Within(10*time.Second, f) }

func ok(w http.ResponseWriter, data map[string]any) {
	carriertest.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
}

func apiError(w http.ResponseWriter, status int, code, title string) {
	carriertest.WriteJSON(w, status, map[string]any{"errors": []map[string]string{{"code": code, "title": title}}})
}
