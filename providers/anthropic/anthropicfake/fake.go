// Package anthropicfake is a loopback fake of Anthropic's Messages API,
// streaming scripted replies as named Server-Sent Events with configurable
// latency and faults. It takes the same openaifake.Config as the other
// language model fakes.
package anthropicfake

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// Fake serves POST …/v1/messages under any path prefix, authenticated with
// x-api-key and versioned with anthropic-version.
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

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/v1/messages") {
		(&apiError{status: http.StatusNotFound, typ: "not_found_error", message: "Not Found"}).write(w)
		return
	}
	if r.Method != http.MethodPost {
		(&apiError{status: http.StatusMethodNotAllowed, typ: "invalid_request_error", message: "Method Not Allowed"}).write(w)
		return
	}
	key := r.Header.Get("x-api-key")
	if f.KeyRequired() && key == "" {
		(&apiError{status: http.StatusUnauthorized, typ: "authentication_error", message: "x-api-key header is required"}).write(w)
		return
	}
	if !f.KeyOK(key) {
		(&apiError{status: http.StatusUnauthorized, typ: "authentication_error", message: "invalid x-api-key"}).write(w)
		return
	}
	if r.Header.Get("anthropic-version") == "" {
		invalid("anthropic-version: header is required").write(w)
		return
	}
	var req MessagesRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		invalid("There was an issue with your request body: it is not valid JSON").write(w)
		return
	}
	if e := validate(&req); e != nil {
		e.write(w)
		return
	}
	f.stream(w, r, &req)
}
