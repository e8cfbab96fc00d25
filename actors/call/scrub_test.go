package call

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/secrets"
	"github.com/switchboard-voice/switchboard/voice"
)

// A provider error that echoes the assistant's key (or anything that looks
// like a credential) reaches no sink with it: records, webhooks and live
// watchers get it scrubbed.
func TestProviderErrorsAreScrubbed(t *testing.T) {
	h := newHarness(t, nil)
	h.asst.snap.Secrets = []string{"assistant-own-key-42"}
	h.stt.FailOpen = fmt.Errorf("deepgram: 401 for api key assistant-own-key-42 (Authorization: Token 0123456789abcdef0123456789abcdef01234567): %w",
		voice.ErrNoCapacity)
	cl := h.start("CA-scrub")
	h.until(5*time.Second, "ended", func() bool { return h.ended(cl) })
	h.mgr.Wait()
	errs := h.sink.of(cl.call.ID, "provider-error")
	if len(errs) != 1 {
		t.Fatalf("provider errors %v", errs)
	}
	msg := errs[0].(events.ProviderError).Error
	if strings.Contains(msg, "assistant-own-key-42") || strings.Contains(msg, "0123456789abcdef") || !strings.Contains(msg, secrets.Redacted) ||
		!strings.Contains(msg, "deepgram: 401") {
		t.Fatalf("published provider error %q", msg)
	}
}
