package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// fallbackAssistant recognises with Deepgram, falling over to Soniox.
const fallbackAssistant = `{"name":"Falls over","stt_settings":{"provider":"deepgram","model":"nova-2","soniox_config":{"max_endpoint_delay_ms":500}},` +
	`"stt_fallback_providers":{"enabled":true,"fallbacks":[{"provider":"soniox","model":"stt-rt-v3"}]}}`

// providerErrors are a finished call's recorded provider errors.
func providerErrors(t *testing.T, srv *enginetest.Server, org int64, sid string, want int) []events.ProviderError {
	t.Helper()
	var out []events.ProviderError
	testkit.Eventually(t, 10*time.Second, func() error {
		row, err := srv.Store.GetCallBySID(context.Background(), org, sid)
		if err != nil {
			return err
		}
		rows, err := srv.Store.ListCallEvents(context.Background(), org, row.ID, "provider-error")
		if err != nil {
			return err
		}
		out = out[:0]
		for _, r := range rows {
			var e events.ProviderError
			if err := json.Unmarshal(r.Data, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		if len(out) < want {
			return fmt.Errorf("%d provider errors recorded", len(out))
		}
		return nil
	})
	return out
}

func downFakes(t *testing.T, targets ...string) func(*engine.Config) {
	f, opt := fakesFor(t, openaifake.Script{Default: "You said: {user}"})
	for _, target := range targets {
		inj, _ := f.Faults(target)
		inj.Always(fault.Fault{Kind: fault.Unavailable})
	}
	return opt
}

// A recogniser that cannot connect is replaced by the assistant's
// fallback: the caller is heard, and the record says what happened.
func TestRecogniserFallsOver(t *testing.T) {
	srv := enginetest.Start(t, downFakes(t, "deepgram"))
	org, key := srv.Key("Fallover")
	snap := createAssistant(t, srv, org, key, fallbackAssistant)
	l := dial(t, srv, snap, "CA-fallover")
	l.say("hello there")
	testkit.Eventually(t, 30*time.Second, func() error {
		if !strings.Contains(strings.ToLower(l.heard()), "you said: hello there") {
			return fmt.Errorf("heard %q", l.heard())
		}
		return nil
	})
	l.call.Stopped()
	errs := providerErrors(t, srv, org, "CA-fallover", 1)
	for _, e := range errs {
		if e.Service != "stt" || e.Provider != "deepgram" || !e.Recovered || !strings.Contains(e.Error, "failed over to soniox") {
			t.Fatalf("provider error %+v", e)
		}
	}
}

// With every recogniser down the caller is told, the call ends saying why,
// and no error claims a recovery.
func TestEveryRecogniserDownEndsTheCall(t *testing.T) {
	srv := enginetest.Start(t, downFakes(t, "deepgram", "soniox"))
	org, key := srv.Key("Deaf")
	snap := createAssistant(t, srv, org, key, fallbackAssistant)
	l := dial(t, srv, snap, "CA-deaf")
	l.say("hello there")
	select {
	case <-l.call.Done():
	case <-time.After(60 * time.Second):
		t.Fatal("the call did not end")
	}
	if r := l.call.Reason(); r != events.EndRecognitionFailed || !strings.Contains(l.heard(), "can't hear you") {
		t.Fatalf("reason %q, heard %q", r, l.heard())
	}
	errs := providerErrors(t, srv, org, "CA-deaf", 2)
	providers := map[string]bool{}
	for _, e := range errs {
		providers[e.Provider] = true
		if e.Recovered {
			t.Fatalf("provider error %+v claims a recovery", e)
		}
	}
	if !providers["deepgram"] || !providers["soniox"] {
		t.Fatalf("provider errors %+v", errs)
	}
}
