// Package geminifake is a loopback fake of the Gemini API's
// streamGenerateContent method, streaming scripted replies as
// Server-Sent Events with configurable latency and faults. It takes the
// same openaifake.Config as the other language model fakes.
package geminifake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// Fake serves POST …/models/{model}:streamGenerateContent?alt=sse under
// any path prefix, authenticated with x-goog-api-key or ?key=.
type Fake struct {
	*openaifake.Base
	handler http.Handler
}

// New returns a fake; it fails on an invalid script.
func New(cfg openaifake.Config) (*Fake, error) {
	b, err := openaifake.NewBase(cfg)
	if err != nil {
		return nil, err
	}
	f := &Fake{Base: b}
	f.handler = b.Handler(faultBody, f.serve)
	return f, nil
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

// method splits …/models/{model}:{method}.
func method(path string) (model, method string, ok bool) {
	i := strings.LastIndex(path, "/models/")
	if i < 0 {
		return "", "", false
	}
	model, method, ok = strings.Cut(path[i+len("/models/"):], ":")
	return model, method, ok && model != "" && !strings.Contains(model, "/")
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	model, m, ok := method(r.URL.Path)
	if !ok || (m != "streamGenerateContent" && m != "generateContent") {
		(&apiError{Code: http.StatusNotFound, Status: "NOT_FOUND", Message: "The requested URL was not found on this server."}).write(w)
		return
	}
	if r.Method != http.MethodPost {
		(&apiError{Code: http.StatusMethodNotAllowed, Status: "INVALID_ARGUMENT", Message: "Method not allowed"}).write(w)
		return
	}
	key := r.Header.Get("x-goog-api-key")
	if key == "" {
		key = r.URL.Query().Get("key")
	}
	if f.KeyRequired() && key == "" {
		(&apiError{Code: http.StatusForbidden, Status: "PERMISSION_DENIED", Message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."}).write(w)
		return
	}
	if !f.KeyOK(key) {
		keyInvalid.write(w)
		return
	}
	if m != "streamGenerateContent" || r.URL.Query().Get("alt") != "sse" {
		// The service also answers whole, or streams a JSON array without
		// alt=sse; this fake serves the SSE stream only.
		invalid("this fake serves streamGenerateContent?alt=sse only").write(w)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req GenerateRequest
	if json.Unmarshal(body, &req) != nil || !json.Valid(bytes.TrimSpace(body)) {
		invalid("Invalid JSON payload received. Unexpected token.").write(w)
		return
	}
	if e := checkFields(body, "request", ""); e != nil {
		e.write(w)
		return
	}
	if e := validate(model, &req); e != nil {
		e.write(w)
		return
	}
	f.stream(w, r, model, &req)
}
