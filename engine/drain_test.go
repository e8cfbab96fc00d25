package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// longReply keeps a call talking for half a minute.
var longReply = strings.Repeat("Your parcel left our depot this morning and is on its way to you. ", 8)

// A drain with the defaults (goodbye and margin) while several calls are in
// the middle of a long reply: every call hears the whole goodbye, which
// fits the margin, and ends with server-shutdown; every record is written; every
// end-of-call report is sent; and the drain succeeds (the process exits 0).
func TestDrainWithDefaultsManyCallsMidReply(t *testing.T) {
	srv := enginetest.Start(t, withScript(t, openaifake.Script{Default: longReply}))
	org, key := srv.Key("Busy drain")
	hook := newReports(t)
	snap := createAssistant(t, srv, org, key, fmt.Sprintf(`{"name":"Talker","webhook_url":%q}`, hook.URL))
	const n = 8
	lines := make([]*line, n)
	for i := range lines {
		lines[i] = dial(t, srv, snap, fmt.Sprintf("CA-drain-%d", i))
		lines[i].say("where is my parcel")
	}
	for _, l := range lines { // every call is mid-reply
		testkit.Eventually(t, 20*time.Second, func() error {
			if !strings.Contains(l.heard(), "Your parcel left our depot") {
				return fmt.Errorf("heard %q", l.heard())
			}
			return nil
		})
	}

	// The shortest drain that leaves the margin whole: the calls go on
	// for half of it, then have the default margin to say goodbye.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx, engine.DefaultGoodbye); err != nil {
		t.Fatalf("drain: %v", err)
	}
	if pending, err := srv.Store.PendingWebhooks(context.Background()); pending != 0 || err != nil {
		t.Errorf("%d webhooks left unsent, %v", pending, err)
	}
	for i, l := range lines {
		sid := fmt.Sprintf("CA-drain-%d", i)
		heard := l.heard()
		if r := l.call.Reason(); r != events.EndShutdown || !strings.HasSuffix(heard, engine.DefaultGoodbye) {
			t.Errorf("%s ended with %q after hearing %q", sid, r, heard)
		}
		row, err := srv.Store.GetCallBySID(context.Background(), org, sid)
		if err != nil || row.EndedReason == nil || *row.EndedReason != events.EndShutdown || row.Status == "in-progress" {
			t.Errorf("record of %s: %+v, %v", sid, row, err)
		}
		if got := hook.count(sid); got != 1 {
			t.Errorf("%s: %d end-of-call reports sent", sid, got)
		}
	}
}
