package plivotest

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// serveAPI is Plivo's REST API, the parts the engine uses.
func (cl *Cloud) serveAPI(w http.ResponseWriter, r *http.Request) {
	body := carriertest.ReadJSON[map[string]string](w, r)
	authorized := carriertest.BasicAuth(r, cl.cfg.AuthID, cl.cfg.AuthToken)
	cl.requests.Add(Request{Method: r.Method, Path: r.URL.Path, Body: body, Authorized: authorized})
	if !authorized {
		apiError(w, http.StatusUnauthorized, "authentication failed")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/Account/"+cl.cfg.AuthID+"/Call/")
	if !ok {
		apiError(w, http.StatusNotFound, "not found")
		return
	}
	if rest == "" && r.Method == http.MethodPost {
		cl.create(w, body)
		return
	}
	uuid, sub, _ := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	c, known := cl.calls.Get(uuid)
	if !known || c.Over() {
		apiError(w, http.StatusNotFound, "call not found")
		return
	}
	switch {
	case r.Method == http.MethodDelete && sub == "":
		c.end()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && sub == "DTMF":
		c.mu.Lock()
		c.dtmfSent = append(c.dtmfSent, body["digits"])
		c.mu.Unlock()
		accepted(w, map[string]string{"message": "digits sent"})
	case r.Method == http.MethodPost && sub == "" && body["legs"] == "aleg" && body["aleg_url"] != "":
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		doc, err := cl.webhook(ctx, body["aleg_url"], c.params("in-progress"))
		if err != nil {
			apiError(w, http.StatusBadRequest, "aleg_url failed")
			return
		}
		c.transfer(doc)
		accepted(w, map[string]string{"message": "call transferred"})
	default:
		apiError(w, http.StatusBadRequest, "unsupported request")
	}
}

// create places an outbound call, answered at once.
func (cl *Cloud) create(w http.ResponseWriter, body map[string]string) {
	if body["from"] == "" || body["to"] == "" || body["answer_url"] == "" {
		apiError(w, http.StatusBadRequest, "from, to and answer_url are required")
		return
	}
	amd := body["machine_detection"]
	if amd != "" && amd != "true" && amd != "hangup" {
		apiError(w, http.StatusBadRequest, "machine_detection must be true or hangup")
		return
	}
	c := cl.newCall(body["from"], body["to"], "outbound")
	c.hangupURL = body["hangup_url"]
	request := carriertest.UUID()
	accepted(w, map[string]string{"message": "call fired", "request_uuid": request})
	cl.bg.Within(15*time.Second, func(ctx context.Context) {
		if cl.answer(ctx, c, body["answer_url"]) == nil {
			if amd != "" && body["machine_detection_url"] != "" {
				cl.bg.Within(10*time.Second, func(ctx context.Context) { cl.reportMachine(ctx, c, body["machine_detection_url"]) })
			}
			cl.placed <- c
		}
	})
}

// machineTime is how long Plivo's detection listens before it reports.
const machineTime = time.Second

// reportMachine posts what machine detection found, as Plivo does a while
// after the callee answered.
func (cl *Cloud) reportMachine(ctx context.Context, c *Call, url string) {
	machine := false
	if cl.cfg.Machine != nil {
		machine = cl.cfg.Machine(c.To)
	}
	select {
	case <-time.After(machineTime):
	case <-ctx.Done():
		return
	}
	form := c.params("in-progress")
	form.Set("Machine", strconv.FormatBool(machine))
	_, _ = cl.webhook(ctx, url, form)
}

func accepted(w http.ResponseWriter, v map[string]string) {
	v["api_id"] = carriertest.UUID()
	carriertest.WriteJSON(w, http.StatusAccepted, v)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	carriertest.WriteJSON(w, status, map[string]string{"api_id": carriertest.UUID(), "error": msg})
}
