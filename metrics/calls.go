package metrics

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/switchboard-voice/switchboard/events"
)

// Latency buckets: 5 ms to about 11 s, each half again as wide as the
// last, fine enough around the 0.3–1.5 s a voice turn takes.
var latencyBuckets = vm.ExponentialBuckets(0.005, 1.5, 20)

// Call-length buckets: 1 s to about 68 min.
var durationBuckets = vm.ExponentialBuckets(1, 2, 13)

// Calls turns call events into metrics. It is safe for concurrent use.
type Calls struct {
	set *vm.Set

	mu     sync.Mutex
	active map[string]int64 // call ID → assistant ID

	turns        *vm.Counter
	backchannels *vm.Counter
	turnLatency  *vm.PrometheusHistogram
	callLength   *vm.PrometheusHistogram
	stages       map[string]*vm.PrometheusHistogram
}

var _ events.Sink = (*Calls)(nil)

// Stages of a turn's latency, each measured from the end of the one before.
var stageNames = []string{"llm_first_token", "text_ready", "tts_first_audio", "first_frame_out"}

// NewCalls registers the call metrics in set.
func NewCalls(set *vm.Set) *Calls {
	c := &Calls{
		set:          set,
		active:       map[string]int64{},
		turns:        set.NewCounter("switchboard_turns_total"),
		backchannels: set.NewCounter("switchboard_backchannels_total"),
		turnLatency:  set.NewPrometheusHistogramExt("switchboard_turn_latency_seconds", latencyBuckets),
		callLength:   set.NewPrometheusHistogramExt("switchboard_call_duration_seconds", durationBuckets),
		stages:       map[string]*vm.PrometheusHistogram{},
	}
	for _, s := range stageNames {
		c.stages[s] = set.NewPrometheusHistogramExt(fmt.Sprintf(`switchboard_turn_stage_seconds{stage=%q}`, s), latencyBuckets)
	}
	set.NewGauge("switchboard_calls_active", func() float64 {
		c.mu.Lock()
		defer c.mu.Unlock()
		return float64(len(c.active))
	})
	return c
}

// Publish implements events.Sink.
func (c *Calls) Publish(callID string, _ time.Time, e events.Event) {
	switch ev := e.(type) {
	case events.CallStarted:
		c.mu.Lock()
		_, dup := c.active[callID]
		c.active[callID] = ev.AssistantID
		c.mu.Unlock()
		if !dup {
			c.byAssistant(ev.AssistantID).Inc()
		}
		c.counter(`switchboard_calls_started_total{carrier=%q,direction=%q}`, ev.Carrier, ev.Direction).Inc()
	case events.CallEnded:
		c.mu.Lock()
		id, ok := c.active[callID]
		delete(c.active, callID)
		c.mu.Unlock()
		if ok {
			c.byAssistant(id).Dec()
		}
		c.counter(`switchboard_calls_ended_total{reason=%q}`, ev.Reason).Inc()
		c.callLength.Update(ev.Duration.Seconds())
	case events.TurnCommitted:
		c.turns.Inc()
	case events.StageTimings:
		c.timings(ev)
	case events.Interruption:
		c.counter(`switchboard_interruptions_total{stage=%q}`, ev.Stage).Inc()
	case events.Backchannel:
		c.backchannels.Inc()
	case events.Speculation:
		c.counter(`switchboard_speculations_total{outcome=%q}`, outcome(ev.Hit)).Inc()
	case events.ProviderError:
		c.counter(`switchboard_provider_errors_total{service=%q,provider=%q,recovered=%q}`,
			ev.Service, ev.Provider, strconv.FormatBool(ev.Recovered)).Inc()
	case events.ToolCalled:
		result := "ok"
		if ev.Error != "" {
			result = "error"
		}
		c.counter(`switchboard_tool_calls_total{result=%q}`, result).Inc() // tool names are the customers': not labels
	}
}

// timings records a turn's latency, its stages, and its providers' times
// to first byte.
func (c *Calls) timings(t events.StageTimings) {
	if t.FirstFrameOut <= 0 {
		return // nothing was played: no latency to speak of
	}
	c.turnLatency.Update(t.FirstFrameOut.Seconds())
	marks := []time.Duration{t.LLMFirstToken, t.TTSFirstChunk, t.TTSFirstAudio, t.FirstFrameOut}
	var prev time.Duration
	for i, m := range marks {
		if m <= 0 {
			continue // a stage that did not happen (a reply from a tool, say)
		}
		c.stages[stageNames[i]].Update((m - prev).Seconds())
		prev = m
	}
	if t.LLMFirstToken > 0 {
		c.histogram(`switchboard_llm_first_token_seconds{provider=%q}`, t.LLMProvider).Update(t.LLMFirstToken.Seconds())
	}
	if t.TTSFirstAudio > 0 && t.TTSFirstChunk > 0 {
		c.histogram(`switchboard_tts_first_audio_seconds{provider=%q}`, t.TTSProvider).Update((t.TTSFirstAudio - t.TTSFirstChunk).Seconds())
	}
	if t.LLMFallback {
		c.counter(`switchboard_llm_fallbacks_total{provider=%q}`, t.LLMProvider).Inc()
	}
	c.counter(`switchboard_turns_timed_total{speculative=%q}`, strconv.FormatBool(t.Speculative)).Inc()
}

func (c *Calls) byAssistant(id int64) *vm.Gauge {
	return c.set.GetOrCreateGauge(fmt.Sprintf(`switchboard_calls_active_by_assistant{assistant_id="%d"}`, id), nil)
}

func (c *Calls) counter(format string, labels ...any) *vm.Counter {
	return c.set.GetOrCreateCounter(fmt.Sprintf(format, labels...))
}

func (c *Calls) histogram(format string, labels ...any) *vm.PrometheusHistogram {
	return c.set.GetOrCreatePrometheusHistogramExt(fmt.Sprintf(format, labels...), latencyBuckets)
}

func outcome(hit bool) string {
	if hit {
		return "hit"
	}
	return "miss"
}
