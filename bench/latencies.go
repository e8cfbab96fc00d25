package bench

import (
	"time"

	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// Latencies are the provider fakes' configured delays: what a turn waits
// for outside the engine.
type Latencies struct {
	// STTEndpoint is the recogniser's end of turn after the caller's last
	// word: the assistant's endpointing silence (Deepgram's speech_final).
	STTEndpoint time.Duration `json:"stt_endpoint_ns"`
	// STTDelay is the recogniser's own processing delay on every message.
	STTDelay time.Duration `json:"stt_delay_ns"`
	// LLMFirstToken and LLMTokensPerSecond pace the model.
	LLMFirstToken      time.Duration `json:"llm_first_token_ns"`
	LLMTokensPerSecond float64       `json:"llm_tokens_per_second"`
	// TTSFirstByte is the synthesiser's time to first audio; TTSSpeed its
	// audio rate in multiples of real time.
	TTSFirstByte time.Duration `json:"tts_first_byte_ns"`
	TTSSpeed     float64       `json:"tts_speed"`
}

// DefaultLatencies are a fast production stack's. The synthesiser
// produces audio at twice real time, as streaming services do at least:
// one held to exactly real time starves any player keeping a lead, so
// every hiccup of the fake's own timers would count as the engine's
// underrun.
var DefaultLatencies = Latencies{
	STTEndpoint:        300 * time.Millisecond,
	LLMFirstToken:      250 * time.Millisecond,
	LLMTokensPerSecond: 40,
	TTSFirstByte:       120 * time.Millisecond,
	TTSSpeed:           2,
}

// fakesOptions configure the provider fakes with these latencies.
func (l Latencies) fakesOptions() fakes.Options {
	return fakes.Options{Script: Script, Key: fakeKey, STTDelay: l.STTDelay,
		LLM:          openaifake.Latency{FirstToken: l.LLMFirstToken, TokensPerSecond: l.LLMTokensPerSecond},
		TTSFirstByte: l.TTSFirstByte, TTSSpeed: l.TTSSpeed}
}

// TurnDelay is what the providers alone make a turn wait, from the
// caller's last speech frame to the first audio: the endpointing silence,
// the recogniser's delay, the model's first token and the tokens after it
// up to the end of the reply's first sentence (the engine synthesises
// sentence by sentence; every scripted reply opens with a short one), and
// the synthesiser's first audio. Turn latency minus TurnDelay is the
// engine's overhead.
func (l Latencies) TurnDelay() time.Duration {
	d := l.STTEndpoint + l.STTDelay + l.LLMFirstToken + l.TTSFirstByte
	if l.LLMTokensPerSecond > 0 {
		d += time.Duration(float64(firstSentenceTokens-1) * float64(time.Second) / l.LLMTokensPerSecond)
	}
	return d
}
