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
