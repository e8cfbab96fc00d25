// Package openaifake is a loopback fake of the OpenAI Chat Completions API
// and of Azure OpenAI's deployment endpoint, streaming scripted replies as
// Server-Sent Events with configurable latency and faults.
//
// It also holds what the language model fakes share (Config, Script, Base,
// Streamer): the Anthropic and Gemini fakes take the same Config, so one
// script drives every provider.
package openaifake

import (
	"net/http"
	"slices"
	"strings"
)

// Options configure the fake.
type Options struct {
	Config
	// Deployments are the Azure deployments served; empty serves any name.
	Deployments []string
}

// Fake serves, under any path prefix:
//
//	POST …/chat/completions                                  (OpenAI and compatibles; Authorization: Bearer)
//	POST …/openai/deployments/{deployment}/chat/completions?api-version=…  (Azure; api-key)
type Fake struct {
	*Base
	deployments []string
	openai      http.Handler
	azure       http.Handler
}

// New returns a fake; it fails on an invalid script.
func New(opts Options) (*Fake, error) {
	b, err := NewBase(opts.Config)
	if err != nil {
		return nil, err
	}
	f := &Fake{Base: b, deployments: opts.Deployments}
	f.openai = b.Handler(openAIFaultBody, f.serveOpenAI)
	f.azure = b.Handler(azureFaultBody, f.serveAzure)
	return f, nil
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := azureDeployment(r.URL.Path); ok {
		f.azure.ServeHTTP(w, r)
		return
	}
	f.openai.ServeHTTP(w, r)
}

// azureDeployment finds {d} in …/openai/deployments/{d}/chat/completions.
func azureDeployment(path string) (string, bool) {
	const pre, suf = "/openai/deployments/", "/chat/completions"
	i := strings.LastIndex(path, pre)
	if i < 0 || !strings.HasSuffix(path, suf) {
		return "", false
	}
	d := path[i+len(pre) : len(path)-len(suf)]
	return d, d != "" && !strings.Contains(d, "/")
}

func (f *Fake) serveOpenAI(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") || r.Method != http.MethodPost {
		e := invalid("", "", "Invalid URL (%s %s)", r.Method, r.URL.Path)
		e.status = http.StatusNotFound
		if strings.HasSuffix(r.URL.Path, "/chat/completions") {
			e.Message, e.status = "Invalid method for URL ("+r.Method+" "+r.URL.Path+")", http.StatusMethodNotAllowed
		}
		e.write(w)
		return
	}
	key, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if f.KeyRequired() && (!bearer || key == "") {
		(&apiError{status: http.StatusUnauthorized, Type: "invalid_request_error",
			Message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."}).write(w)
		return
	}
	if !f.KeyOK(key) {
		(&apiError{status: http.StatusUnauthorized, Type: "invalid_request_error", Code: "invalid_api_key",
			Message: "Incorrect API key provided: " + maskKey(key) + ". You can find your API key at https://platform.openai.com/account/api-keys."}).write(w)
		return
	}
	req, e := decode(r)
	if e == nil && req.Model == "" {
		e = invalid("", "", "you must provide a model parameter")
	}
	if e != nil {
		e.write(w)
		return
	}
	f.stream(w, r, req, req.Model, false)
}

func (f *Fake) serveAzure(w http.ResponseWriter, r *http.Request) {
	dep, _ := azureDeployment(r.URL.Path)
	if r.URL.Query().Get("api-version") == "" {
		azureError(w, http.StatusNotFound, "404", "Resource not found")
		return
	}
	if key := r.Header.Get("api-key"); (f.KeyRequired() && key == "") || !f.KeyOK(key) {
		azureError(w, http.StatusUnauthorized, "401", azureAccessDenied)
		return
	}
	if len(f.deployments) > 0 && !slices.Contains(f.deployments, dep) {
		azureError(w, http.StatusNotFound, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.")
		return
	}
	req, e := decode(r)
	if e != nil {
		e.write(w)
		return
	}
	model := req.Model
	if model == "" {
		model = dep
	}
	f.stream(w, r, req, model, true)
}

// maskKey shows a key the way the service quotes a wrong one.
func maskKey(k string) string {
	if len(k) < 8 {
		return "***"
	}
	return k[:3] + strings.Repeat("*", 5) + k[len(k)-4:]
}
