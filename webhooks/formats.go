package webhooks

import (
	"net/http"
	"strconv"
	"time"
)

// Webhook formats: the shape of a call's webhooks and how they are
// signed, from its assistant's webhook_settings.format.
const (
	// FormatSwitchboard is Burki's (Vapi's) camelCase messages, signed in
	// SignatureHeader.
	FormatSwitchboard = "switchboard"
	// FormatVoiceDock is VoiceDock's snake_case messages, signed as its
	// SDK's Webhooks.verify checks (VoiceDockSignatureHeader).
	FormatVoiceDock = "voicedock"
	// FormatFamulor is Famulor's post-call payload. Famulor documents no
	// signature: it carries SignatureHeader, which its receivers ignore.
	FormatFamulor = "famulor"
)

// VoiceDock's webhook headers.
const (
	VoiceDockEventHeader     = "X-Webhook-Event"
	VoiceDockTimestampHeader = "X-Webhook-Timestamp" // Unix seconds
	// VoiceDockSignatureHeader is "sha256=" and the hex HMAC-SHA256, keyed
	// with the secret, of the timestamp, a dot and the raw body.
	VoiceDockSignatureHeader = "X-Webhook-Signature"
	voiceDockAgent           = "HMS-Sovereign/1.0"
)

// sign sets the headers that sign body, sent at t, in a format.
func sign(h http.Header, format, webhookType, secret string, t time.Time, body []byte) {
	switch format {
	case FormatVoiceDock:
		ts := strconv.FormatInt(t.Unix(), 10)
		h.Set("User-Agent", voiceDockAgent)
		// VoiceDock's documentation names this header so (sic)
		h.Set("User-Assistant", voiceDockAgent)
		h.Set(VoiceDockEventHeader, webhookType)
		h.Set(VoiceDockTimestampHeader, ts)
		h.Set(VoiceDockSignatureHeader, SignVoiceDock(secret, t, body))
	default:
		h.Set("User-Agent", "Switchboard-Webhook/1.0")
		h.Set(SignatureHeader, Sign(secret, t, body))
	}
}

// SignVoiceDock returns VoiceDockSignatureHeader's value for body sent at t.
func SignVoiceDock(secret string, t time.Time, body []byte) string {
	return "sha256=" + mac(secret, strconv.FormatInt(t.Unix(), 10), body)
}
