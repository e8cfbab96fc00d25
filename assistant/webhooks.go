package assistant

import "time"

// WebhookSettings say how the assistant's webhooks (to webhook_url) are
// sent: in which vendor's shape, signed with which secret, and which of
// them. Famulor's and VoiceDock's views write them; a call takes them
// when it starts (CallWebhook).
type WebhookSettings struct {
	// Enabled false keeps webhook_url but sends nothing (Famulor's
	// is_webhook_active).
	Enabled bool `json:"enabled"`
	// Format is the payloads' shape and signature: switchboard (Burki's
	// messages, X-Switchboard-Signature), voicedock (VoiceDock's
	// snake_case messages, X-Webhook-Signature: sha256=…) or famulor
	// (Famulor's post-call payload only).
	Format string `json:"format" check:"enum=switchboard|voicedock|famulor"`
	// Secret signs this assistant's webhooks instead of the
	// organization's secret; null: the organization's.
	Secret *string `json:"secret" check:"maxlen=4096"`
	// Events, when set, are the only webhook types sent; null: every
	// asynchronous type the format has. The synchronous ones (voicedock
	// format only) are sent only when listed: assistant-request holds
	// every inbound call for up to AssistantRequestTimeout; tool-calls
	// runs the custom tools without a url.
	Events *[]string `json:"events" check:"maxitems=5,enum=status-update|end-of-call-report|transcript|assistant-request|tool-calls"`
	// Reports says which calls get an end-of-call report: answered (every
	// call that was answered), completed (only calls that ended
	// completed: Famulor's send_webhook_only_on_completed) or all (also
	// the calls that were never answered: busy, no-answer, failed).
	Reports string `json:"reports" check:"enum=answered|completed|all"`
	// IncludeRecording puts the recording's link in the end-of-call
	// report.
	IncludeRecording bool `json:"include_recording"`
}

// CallWebhook is what a call keeps of its assistant's webhook settings
// when it starts.
type CallWebhook struct {
	URL       string    // "" sends nothing
	Format    string    // WebhookSettings.Format
	Events    *[]string // the only types sent; nil: every type of the format
	Reports   string    // WebhookSettings.Reports
	Recording bool      // the report links the recording
}

// formatEvents are the webhook types each format has; nil: all.
var formatEvents = map[string][]string{
	"voicedock": {"status-update", "end-of-call-report"},
	"famulor":   {"end-of-call-report"},
}

// CallWebhook derives a call's webhook from the configuration.
func (c Config) CallWebhook() CallWebhook {
	w := c.WebhookSettings
	if c.WebhookURL == nil || !w.Enabled {
		return CallWebhook{}
	}
	out := CallWebhook{URL: *c.WebhookURL, Format: w.Format, Reports: w.Reports, Recording: w.IncludeRecording}
	out.Events = w.Events
	if only, ok := formatEvents[w.Format]; ok {
		events := []string{}
		for _, e := range only {
			if w.Events == nil || contains(*w.Events, e) {
				events = append(events, e)
			}
		}
		out.Events = &events
	}
	return out
}

// AssistantRequestTimeout bounds VoiceDock's synchronous assistant-request:
// its answer comes within it or the call goes on with the assistant as
// configured.
const AssistantRequestTimeout = 5 * time.Second

// AssistantRequest says whether an inbound call asks the webhook for its
// assistant first (VoiceDock's assistant-request), and at which URL.
func (c Config) AssistantRequest() (string, bool) { return c.synchronous("assistant-request") }

// ToolCallsWebhook says whether the custom tools without a url are run by
// the webhook (VoiceDock's tool-calls), and at which URL.
func (c Config) ToolCallsWebhook() (string, bool) { return c.synchronous("tool-calls") }

// SynchronousEvents are the webhook events the engine waits on, VoiceDock's.
var SynchronousEvents = []string{"assistant-request", "tool-calls"}

// synchronous says whether the webhook takes one of SynchronousEvents.
func (c Config) synchronous(event string) (string, bool) {
	w := c.WebhookSettings
	if c.WebhookURL == nil || !w.Enabled || w.Format != "voicedock" || w.Events == nil || !contains(*w.Events, event) {
		return "", false
	}
	return *c.WebhookURL, true
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
