package assistant

import (
	"reflect"
	"testing"
)

func TestCallWebhook(t *testing.T) {
	url := "https://hooks.test/a"
	events := func(e ...string) *[]string { return &e }
	for _, tc := range []struct {
		name string
		set  func(c *Config)
		want CallWebhook
	}{
		{"no URL", func(c *Config) { c.WebhookURL = nil }, CallWebhook{}},
		{"disabled", func(c *Config) { c.WebhookSettings.Enabled = false }, CallWebhook{}},
		{"defaults", func(*Config) {}, CallWebhook{URL: url, Format: "switchboard", Reports: "answered", Recording: true}},
		{"switchboard filter", func(c *Config) { c.WebhookSettings.Events = events("transcript") },
			CallWebhook{URL: url, Format: "switchboard", Events: events("transcript"), Reports: "answered", Recording: true}},
		{"voicedock: all it has", func(c *Config) { c.WebhookSettings.Format = "voicedock" },
			CallWebhook{URL: url, Format: "voicedock", Events: events("status-update", "end-of-call-report"), Reports: "answered", Recording: true}},
		{"voicedock filter", func(c *Config) {
			c.WebhookSettings.Format, c.WebhookSettings.Events = "voicedock", events("end-of-call-report", "transcript")
		}, CallWebhook{URL: url, Format: "voicedock", Events: events("end-of-call-report"), Reports: "answered", Recording: true}},
		{"famulor: the report only", func(c *Config) {
			c.WebhookSettings.Format, c.WebhookSettings.Reports, c.WebhookSettings.IncludeRecording = "famulor", "all", false
		}, CallWebhook{URL: url, Format: "famulor", Events: events("end-of-call-report"), Reports: "all"}},
	} {
		c := Defaults()
		c.WebhookURL = &url
		tc.set(&c)
		if got := c.CallWebhook(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestAssistantRequest(t *testing.T) {
	url := "https://hooks.test/a"
	events := func(e ...string) *[]string { return &e }
	for _, tc := range []struct {
		name string
		set  func(c *Config)
		want bool
	}{
		{"listed", func(*Config) {}, true},
		{"not listed", func(c *Config) { c.WebhookSettings.Events = events("end-of-call-report") }, false},
		{"every event: only the asynchronous ones", func(c *Config) { c.WebhookSettings.Events = nil }, false},
		{"disabled", func(c *Config) { c.WebhookSettings.Enabled = false }, false},
		{"no URL", func(c *Config) { c.WebhookURL = nil }, false},
	} {
		c := Defaults()
		c.WebhookURL = &url
		c.WebhookSettings.Format, c.WebhookSettings.Events = "voicedock", events("assistant-request", "status-update")
		tc.set(&c)
		if got, ok := c.AssistantRequest(); ok != tc.want || (ok && got != url) {
			t.Errorf("%s: %q %v, want %v", tc.name, got, ok, tc.want)
		}
		// the asynchronous webhooks never carry it
		if w := c.CallWebhook(); w.Events != nil && contains(*w.Events, "assistant-request") {
			t.Errorf("%s: call webhook events %v", tc.name, *w.Events)
		}
	}
}

// assistant-request is VoiceDock's: another format cannot list it.
func TestAssistantRequestNeedsVoiceDock(t *testing.T) {
	for format, ok := range map[string]bool{"voicedock": true, "switchboard": false, "famulor": false} {
		_, err := Apply(nil, Write{Fields: Document{"name": "A", "webhook_settings": map[string]any{"format": format,
			"events": []any{"assistant-request"}}}}, nil)
		if (err == nil) != ok {
			t.Errorf("%s: %v", format, err)
		}
	}
}
