package twiliotest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// serveAPI is Twilio's REST API, the parts the engine uses.
func (cl *Cloud) serveAPI(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	authorized := carriertest.BasicAuth(r, cl.cfg.AccountSID, cl.cfg.AuthToken)
	cl.requests.Add(Request{Method: r.Method, Path: r.URL.Path, Form: r.PostForm, Authorized: authorized})
	if !authorized {
		apiError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	prefix := "/2010-04-01/Accounts/" + cl.cfg.AccountSID
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok || r.Method != http.MethodPost {
		apiError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	switch {
	case rest == "/Calls.json":
		cl.createCall(w, r)
	case rest == "/Messages.json":
		cl.createMessage(w, r)
	case strings.HasPrefix(rest, "/Calls/") && strings.HasSuffix(rest, ".json"):
		cl.updateCall(w, r, strings.TrimSuffix(strings.TrimPrefix(rest, "/Calls/"), ".json"))
	default:
		apiError(w, http.StatusNotFound, 20404, "The requested resource was not found")
	}
}

func apiError(w http.ResponseWriter, status, code int, msg string) {
	carriertest.WriteJSON(w, status, map[string]any{"code": code, "message": msg, "status": status})
}

func created(w http.ResponseWriter, v map[string]any) {
	carriertest.WriteJSON(w, http.StatusCreated, v)
}

// updateCall hangs a call up (Status=completed) or replaces its TwiML
// (Twiml or Url), which stops its media stream.
func (cl *Cloud) updateCall(w http.ResponseWriter, r *http.Request, sid string) {
	c, ok := cl.calls.Get(sid)
	if !ok {
		apiError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	if c.Over() {
		apiError(w, http.StatusBadRequest, 21220, "Call is not in-progress. Cannot redirect.")
		return
	}
	switch {
	case r.PostForm.Get("Status") == "completed" || r.PostForm.Get("Status") == "canceled":
		c.complete()
	case r.PostForm.Get("Twiml") != "":
		c.update([]byte(r.PostForm.Get("Twiml")))
	case r.PostForm.Get("Url") != "":
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		doc, err := cl.webhook(ctx, r.PostForm.Get("Url"), c.params("in-progress"))
		if err != nil {
			apiError(w, http.StatusBadRequest, 21205, "Url is not reachable")
			return
		}
		c.update(doc)
	default:
		apiError(w, http.StatusBadRequest, 21201, "No Url, Twiml or Status")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"sid": sid, "status": c.Status()})
}

// createCall places an outbound call: it rings, is answered at once, and
// its Url is requested as Twilio does (Direction outbound-api).
func (cl *Cloud) createCall(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	if f.Get("To") == "" || f.Get("From") == "" || (f.Get("Url") == "" && f.Get("Twiml") == "") {
		apiError(w, http.StatusBadRequest, 21201, "To, From and Url are required")
		return
	}
	cl.mu.Lock()
	closed := cl.closed
	cl.mu.Unlock()
	if closed {
		apiError(w, http.StatusServiceUnavailable, 20503, "closed")
		return
	}
	if cl.cfg.RefuseCalls {
		apiError(w, http.StatusServiceUnavailable, 20503, "this cloud takes no calls placed through the API")
		return
	}
	timeout := 0
	if t := f.Get("Timeout"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 5 || n > 600 {
			apiError(w, http.StatusBadRequest, 21210, "Timeout must be between 5 and 600 seconds")
			return
		}
		timeout = n
	}
	amd := f.Get("MachineDetection")
	if amd != "" && amd != "Enable" && amd != "DetectMessageEnd" {
		apiError(w, http.StatusBadRequest, 21235, "MachineDetection must be Enable or DetectMessageEnd")
		return
	}
	c := cl.newCall(f.Get("From"), f.Get("To"), "outbound-api")
	c.Timeout = timeout
	c.statusURL, c.statusEvent = f.Get("StatusCallback"), f["StatusCallbackEvent"]
	if len(c.statusEvent) == 0 && c.statusURL != "" {
		c.statusEvent = []string{"completed"}
	}
	created(w, map[string]any{"sid": c.SID, "status": "queued", "to": c.To, "from": c.From, "direction": c.Direction})
	cl.bg.Go(func() {
		c.reportStatus("initiated")
		c.reportStatus("ringing")
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := cl.start(ctx, c, f.Get("Url")); err == nil {
			if amd != "" && f.Get("AsyncAmd") == "true" && f.Get("AsyncAmdStatusCallback") != "" {
				cl.bg.Go(func() { cl.reportAMD(c, f.Get("AsyncAmdStatusCallback")) })
			}
			cl.placed <- c
		}
	})
}

// reportAMD posts what answering-machine detection found, as Twilio's
// asynchronous AMD does once the callee has answered.
func (cl *Cloud) reportAMD(c *Call, callback string) {
	who := "human"
	if cl.cfg.AnsweredBy != nil {
		who = cl.cfg.AnsweredBy(c.To)
	}
	form := url.Values{"CallSid": {c.SID}, "AccountSid": {cl.cfg.AccountSID}, "AnsweredBy": {who},
		"MachineDetectionDuration": {"2100"}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, _ = cl.post(ctx, callback, form, cl.cfg.AuthToken)
}

// createMessage records an SMS.
func (cl *Cloud) createMessage(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	if f.Get("To") == "" || f.Get("Body") == "" || (f.Get("From") == "" && f.Get("MessagingServiceSid") == "") {
		apiError(w, http.StatusBadRequest, 21604, "To, Body and From or MessagingServiceSid are required")
		return
	}
	m := Message{SID: "SM" + carriertest.Hex(16), From: f.Get("From"), To: f.Get("To"), Body: f.Get("Body"),
		MessagingServiceSID: f.Get("MessagingServiceSid")}
	cl.messages.Add(m)
	created(w, map[string]any{"sid": m.SID, "status": "queued"})
}
