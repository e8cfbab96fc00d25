package metrics

import (
	"bytes"
	"strings"
	"testing"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/switchboard-voice/switchboard/events"
)

func scrape(t *testing.T, set *vm.Set) string {
	t.Helper()
	var b bytes.Buffer
	Write(&b, set)
	return b.String()
}

func TestCallEventsBecomeMetrics(t *testing.T) {
	set := vm.NewSet()
	c := NewCalls(set)
	now := time.Now()
	for _, id := range []string{"CA1", "CA2"} {
		c.Publish(id, now, events.CallStarted{AssistantID: 9, Carrier: "twilio", Direction: "inbound"})
	}
	c.Publish("CA1", now, events.TurnCommitted{Turn: 1})
	c.Publish("CA1", now, events.StageTimings{Turn: 1, LLMFirstToken: 300 * time.Millisecond, TTSFirstChunk: 400 * time.Millisecond,
		TTSFirstAudio: 520 * time.Millisecond, FirstFrameOut: 530 * time.Millisecond, LLMProvider: "anthropic", LLMFallback: true,
		TTSProvider: "elevenlabs"})
	c.Publish("CA1", now, events.Interruption{Stage: events.InterruptionTentative})
	c.Publish("CA1", now, events.Interruption{Stage: events.InterruptionConfirmed})
	c.Publish("CA1", now, events.ProviderError{Service: "llm", Provider: "openai", Recovered: true})
	c.Publish("CA1", now, events.CallEnded{Reason: events.EndCallerHungUp, Duration: 42 * time.Second})

	out := scrape(t, set)
	for _, want := range []string{
		"switchboard_calls_active 1\n",
		`switchboard_calls_active_by_assistant{assistant_id="9"} 1` + "\n",
		`switchboard_calls_started_total{carrier="twilio",direction="inbound"} 2` + "\n",
		`switchboard_calls_ended_total{reason="customer-ended-call"} 1` + "\n",
		"switchboard_turns_total 1\n",
		`switchboard_turn_latency_seconds_count 1` + "\n",
		`switchboard_turn_latency_seconds_sum 0.53` + "\n",
		`switchboard_turn_stage_seconds_sum{stage="text_ready"} 0.1` + "\n",
		`switchboard_turn_stage_seconds_sum{stage="first_frame_out"} 0.01` + "\n",
		`switchboard_llm_first_token_seconds_sum{provider="anthropic"} 0.3` + "\n",
		`switchboard_tts_first_audio_seconds_sum{provider="elevenlabs"} 0.12` + "\n",
		`switchboard_llm_fallbacks_total{provider="anthropic"} 1` + "\n",
		`switchboard_interruptions_total{stage="confirmed"} 1` + "\n",
		`switchboard_provider_errors_total{service="llm",provider="openai",recovered="true"} 1` + "\n",
		`switchboard_call_duration_seconds_count 1` + "\n",
		"go_goroutines ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// A call that ends twice, or ends unseen, does not skew the gauges.
func TestActiveCallsStayConsistent(t *testing.T) {
	set := vm.NewSet()
	c := NewCalls(set)
	now := time.Now()
	c.Publish("CA1", now, events.CallStarted{AssistantID: 1})
	c.Publish("CA1", now, events.CallStarted{AssistantID: 1})
	c.Publish("CA1", now, events.CallEnded{Reason: events.EndError})
	c.Publish("CA1", now, events.CallEnded{Reason: events.EndError})
	c.Publish("CA9", now, events.CallEnded{Reason: events.EndError})
	out := scrape(t, set)
	if !strings.Contains(out, "switchboard_calls_active 0\n") || !strings.Contains(out, `switchboard_calls_active_by_assistant{assistant_id="1"} 0`+"\n") {
		t.Fatal(out)
	}
}
