package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/engine"
)

// An engine that refuses private addresses refuses, at write time, an
// assistant whose webhook (or tool, sound or provider URL) is on one,
// saying why and how to allow it, and stores nothing; a public address
// passes, and an engine that allows private URLs takes them.
func TestPrivateTenantURLsAreRefusedAtWriteTime(t *testing.T) {
	h := newHarnessWith(t, func(c *engine.Config) { c.AllowPrivateURLs = false })

	status, out := h.call("POST", "/api/v1/assistants", h.keyA, `{"name":"hooked","webhook_url":"http://localhost:9000/hook"}`)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("create with a localhost webhook_url: %d %v", status, out)
	}
	detail := out["detail"].([]any)[0].(map[string]any)
	msg, _ := detail["msg"].(string)
	if fmt.Sprint(detail["loc"]) != "[body webhook_url]" || !strings.Contains(msg, "localhost is 127.0.0.1") ||
		!strings.Contains(msg, "--allow-private-urls (SWITCHBOARD_ALLOW_PRIVATE_URLS=true)") {
		t.Fatalf("422 detail: %v", detail)
	}
	list := h.must(http.StatusOK, "GET", "/api/v1/assistants", h.keyA, nil)
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("the refused write stored %d assistants", n)
	}

	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"public","webhook_url":"https://93.184.215.14/hook"}`)
	path := fmt.Sprintf("/api/v1/assistants/%v", a["id"])
	status, out = h.call("PATCH", path, h.keyA, `{"tools_settings":{"custom_tools":[
		{"name":"ok","description":"d","url":"https://93.184.215.14/t"},
		{"name":"lookup","description":"d","url":"http://10.1.2.3/lookup"}]},
		"tts_settings":{"background_sound":{"sound_url":"http://[::1]/rain.wav"}}}`)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("update with private tool and sound URLs: %d %v", status, out)
	}
	var locs []string
	for _, d := range out["detail"].([]any) {
		locs = append(locs, fmt.Sprint(d.(map[string]any)["loc"]))
	}
	if got := strings.Join(locs, " "); got != "[body tools_settings custom_tools 1 url] [body tts_settings background_sound sound_url]" {
		t.Fatalf("422 locations: %s", got)
	}
	if got := h.must(http.StatusOK, "GET", path, h.keyA, nil); get(got, "webhook_url") != "https://93.184.215.14/hook" || get(got, "version") != a["version"] {
		t.Fatalf("the refused update changed the assistant: %v", got)
	}

	allowed := newHarness(t) // enginetest allows private URLs: its fakes are on loopback
	allowed.must(http.StatusCreated, "POST", "/api/v1/assistants", allowed.keyA, `{"name":"local","webhook_url":"http://127.0.0.1:9000/hook"}`)
}
