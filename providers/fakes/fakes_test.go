package fakes

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T) (*Fakes, string) {
	t.Helper()
	f, err := New(Options{Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(func() { f.Close(); srv.Close() })
	return f, srv.URL
}

func do(t *testing.T, method, url, body string, header ...string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestFaultsAreInjectedFromOutside(t *testing.T) {
	f, root := start(t)
	chat := f.BaseURLs(root)["openai"] + "/chat/completions"
	body := `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`
	auth := []string{"Authorization", "Bearer k", "Content-Type", "application/json"}
	if got := do(t, "POST", chat, body, auth...); got != http.StatusOK {
		t.Fatalf("healthy fake answered %d", got)
	}
	if got := do(t, "POST", root+"/_faults/openai?kind=rate-limited&count=2", ""); got != http.StatusNoContent {
		t.Fatalf("inject: %d", got)
	}
	for range 2 {
		if got := do(t, "POST", chat, body, auth...); got != http.StatusTooManyRequests {
			t.Fatalf("faulted fake answered %d", got)
		}
	}
	if got := do(t, "POST", chat, body, auth...); got != http.StatusOK {
		t.Fatalf("after the faults: %d", got)
	}
	// Other providers are untouched by the openai target.
	do(t, "POST", root+"/_faults/openai?kind=server-error&always=true", "")
	if got := do(t, "POST", f.BaseURLs(root)["groq"]+"/chat/completions", body, auth...); got != http.StatusOK {
		t.Fatalf("groq answered %d", got)
	}
	if got := do(t, "DELETE", root+"/_faults/openai", ""); got != http.StatusNoContent {
		t.Fatalf("reset: %d", got)
	}
	if got := do(t, "POST", chat, body, auth...); got != http.StatusOK {
		t.Fatalf("after reset: %d", got)
	}
}

func TestFaultRequestsAreChecked(t *testing.T) {
	_, root := start(t)
	for url, want := range map[string]int{
		"/_faults/nobody?kind=drop":            http.StatusNotFound,
		"/_faults/openai?kind=explode":         http.StatusBadRequest,
		"/_faults/openai?kind=drop&after=-1":   http.StatusBadRequest,
		"/_faults/openai?kind=drop&count=many": http.StatusBadRequest,
	} {
		if got := do(t, "POST", root+url, ""); got != want {
			t.Errorf("%s: %d, want %d", url, got, want)
		}
	}
	if got := do(t, "GET", root+"/_faults/openai", ""); got != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", got)
	}
}

func TestEnvNamesEveryProvider(t *testing.T) {
	f, root := start(t)
	env := f.Env(root)
	for _, p := range []string{"DEEPGRAM", "OPENAI", "AZURE", "GROQ", "XAI", "CUSTOM", "ANTHROPIC", "GEMINI", "ELEVENLABS", "CARTESIA"} {
		if !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "SWITCHBOARD_"+p+"_BASE_URL="+root+"/") }) {
			t.Errorf("no base URL for %s in %v", p, env)
		}
	}
	if !slices.IsSorted(env) {
		t.Error("environment not sorted")
	}
}

// With ModelsRoot the models are reached over TLS with HTTP/2, as in
// production, and the websocket fakes stay where they were.
func TestModelsRootServesTheModelsOverHTTP2(t *testing.T) {
	var f *Fakes
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, r.Proto, http.StatusHTTPVersionNotSupported)
			return
		}
		f.ServeHTTP(w, r)
	}))
	tlsSrv.EnableHTTP2 = true
	models := "https://" + tlsSrv.Listener.Addr().String()
	f, err := New(Options{Key: "k", ModelsRoot: models})
	if err != nil {
		t.Fatal(err)
	}
	tlsSrv.StartTLS()
	plain := httptest.NewServer(f)
	t.Cleanup(func() { f.Close(); plain.Close(); tlsSrv.Close() })

	urls := f.BaseURLs(plain.URL)
	for _, p := range []string{"openai", "azure", "groq", "xai", "custom", "anthropic", "gemini"} {
		if !strings.HasPrefix(urls[p], models+"/") {
			t.Errorf("%s at %s, want under %s", p, urls[p], models)
		}
	}
	for _, p := range []string{"deepgram", "elevenlabs", "cartesia", "soniox", "speechmatics"} {
		if !strings.HasPrefix(urls[p], plain.URL+"/") {
			t.Errorf("%s at %s, want under %s", p, urls[p], plain.URL)
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, urls["openai"]+"/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("Content-Type", "application/json")
	c := tlsSrv.Client()
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("chat over TLS answered %d", resp.StatusCode)
	}
}
