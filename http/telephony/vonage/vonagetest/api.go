package vonagetest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/vonage"
)

// serveAPI is the Voice API, the parts the engine uses.
func (cl *Cloud) serveAPI(w http.ResponseWriter, r *http.Request) {
	body := carriertest.ReadJSON[map[string]any](w, r)
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	claims, err := vonage.VerifyAPIToken(&cl.key.PublicKey, tok, time.Now())
	authorized := err == nil && claims.ApplicationID == cl.app
	cl.requests.Add(Request{Method: r.Method, Path: r.URL.Path, Body: body, Authorized: authorized})
	if !authorized {
		apiError(w, http.StatusUnauthorized, "Invalid Token")
		return
	}
	if r.URL.Path == "/v1/calls" && r.Method == http.MethodPost {
		cl.create(w, body)
		return
	}
	rest, _ := strings.CutPrefix(r.URL.Path, "/v1/calls/")
	uuid, sub, _ := strings.Cut(rest, "/")
	c, ok := cl.calls.Get(uuid)
	if !ok || c.Over() || r.Method != http.MethodPut {
		apiError(w, http.StatusNotFound, "Not Found")
		return
	}
	switch {
	case sub == "dtmf":
		d, _ := body["digits"].(string)
		c.mu.Lock()
		c.dtmfSent = append(c.dtmfSent, d)
		c.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"message":"DTMF sent","uuid":"` + uuid + `"}`))
	case body["action"] == "hangup":
		c.end("completed")
		w.WriteHeader(http.StatusNoContent)
	case body["action"] == "transfer":
		dest, _ := body["destination"].(map[string]any)
		raw, _ := json.Marshal(dest["ncco"])
		var actions []map[string]any
		if dest["type"] != "ncco" || json.Unmarshal(raw, &actions) != nil || len(actions) == 0 {
			apiError(w, http.StatusBadRequest, "Invalid destination")
			return
		}
		c.transfer(actions)
		w.WriteHeader(http.StatusNoContent)
	default:
		apiError(w, http.StatusBadRequest, "Invalid action")
	}
}

// create places an outbound call, answered at once.
func (cl *Cloud) create(w http.ResponseWriter, body map[string]any) {
	to, _ := body["to"].([]any)
	from, _ := body["from"].(map[string]any)
	answer, _ := body["answer_url"].([]any)
	events, _ := body["event_url"].([]any)
	if len(to) == 0 || from == nil || len(answer) == 0 {
		apiError(w, http.StatusBadRequest, "to, from and answer_url are required")
		return
	}
	amd, _ := body["machine_detection"].(string)
	if amd != "" && amd != "continue" && amd != "hangup" {
		apiError(w, http.StatusBadRequest, "machine_detection must be continue or hangup")
		return
	}
	toNum, _ := to[0].(map[string]any)["number"].(string)
	fromNum, _ := from["number"].(string)
	c := cl.newCall("+"+fromNum, "+"+toNum, "outbound")
	if len(events) > 0 {
		c.eventURL, _ = events[0].(string)
	}
	carriertest.WriteJSON(w, http.StatusCreated, map[string]string{"uuid": c.UUID, "status": "started", "direction": "outbound"})
	answerURL, _ := answer[0].(string)
	cl.bg.Within(15*time.Second, func(ctx context.Context) {
		if cl.answer(ctx, c, answerURL) == nil {
			if amd != "" {
				cl.bg.Within(10*time.Second, func(ctx context.Context) { cl.reportAMD(ctx, c) })
			}
			cl.placed <- c
		}
	})
}

// amdTime is how long Vonage's detection listens before it reports.
const amdTime = time.Second

// reportAMD posts what machine detection found to the call's event URL,
// as Vonage does a while after the callee answered.
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
	c.event(who)
}

func apiError(w http.ResponseWriter, status int, title string) {
	carriertest.WriteJSON(w, status, map[string]string{"title": title})
}
