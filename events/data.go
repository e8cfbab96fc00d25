package events

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/secrets"
)

// ms expresses a duration in milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Data is an event as call records store it and live feeds send it: its
// fields in snake case, durations in milliseconds, text cleaned.
func Data(e Event) any {
	switch e := e.(type) {
	case CallStarted:
		return struct {
			OrganizationID int64  `json:"organization_id"`
			AssistantID    int64  `json:"assistant_id"`
			ConfigVersion  int    `json:"config_version"`
			From           string `json:"from"`
			To             string `json:"to"`
			Direction      string `json:"direction"`
			Carrier        string `json:"carrier"`
		}{e.OrganizationID, e.AssistantID, e.ConfigVersion, Clean(e.From), Clean(e.To), Clean(e.Direction), Clean(e.Carrier)}
	case CallEnded:
		return struct {
			Reason     string  `json:"reason"`
			DurationMS float64 `json:"duration_ms"`
			Recording  bool    `json:"recording"`
		}{Clean(e.Reason), ms(e.Duration), e.Recording}
	case Transcript:
		return struct {
			Speaker    Speaker `json:"speaker"`
			Text       string  `json:"text"`
			Final      bool    `json:"final"`
			Confidence float64 `json:"confidence"`
			StartMS    float64 `json:"start_ms"`
			EndMS      float64 `json:"end_ms"`
		}{e.Speaker, Clean(e.Text), e.Final, e.Confidence, ms(e.Start), ms(e.End)}
	case History:
		type message struct {
			Role       string `json:"role"`
			Content    string `json:"content"`
			ToolCallID string `json:"tool_call_id,omitempty"`
		}
		out := make([]message, len(e.Messages))
		for i, m := range e.Messages {
			out[i] = message{string(m.Role), Clean(m.Content), m.ToolCallID}
		}
		return struct {
			Messages []message `json:"messages"`
		}{out}
	case CallerSpeechStarted:
		return struct{}{}
	case TurnCommitted:
		return struct {
			Turn          int    `json:"turn"`
			Text          string `json:"text"`
			ConfigVersion int    `json:"config_version"`
		}{e.Turn, Clean(e.Text), e.ConfigVersion}
	case ReplyStarted:
		return struct {
			Turn        int    `json:"turn"`
			Speculative bool   `json:"speculative"`
			Source      string `json:"source"`
		}{e.Turn, e.Speculative, Clean(e.Source)}
	case ReplyFinished:
		return struct {
			Turn        int    `json:"turn"`
			Heard       string `json:"heard"`
			Interrupted bool   `json:"interrupted"`
		}{e.Turn, Clean(e.Heard), e.Interrupted}
	case Interruption:
		return struct {
			Turn   int    `json:"turn"`
			Stage  string `json:"stage"`
			Reason string `json:"reason"`
		}{e.Turn, Clean(e.Stage), Clean(e.Reason)}
	case Backchannel:
		return struct {
			Phrase string `json:"phrase"`
		}{Clean(e.Phrase)}
	case ToolCalled:
		return struct {
			Turn       int     `json:"turn"`
			Name       string  `json:"name"`
			Arguments  string  `json:"arguments"`
			Result     string  `json:"result"`
			Error      string  `json:"error,omitempty"`
			DurationMS float64 `json:"duration_ms"`
		}{e.Turn, Clean(e.Name), Clean(e.Arguments), Clean(e.Result), Clean(e.Error), ms(e.Duration)}
	case Speculation:
		return struct {
			Turn       int     `json:"turn"`
			Hit        bool    `json:"hit"`
			Similarity float64 `json:"similarity"`
		}{e.Turn, e.Hit, e.Similarity}
	case StageTimings:
		return struct {
			Turn            int     `json:"turn"`
			LLMFirstTokenMS float64 `json:"llm_first_token_ms"`
			TTSFirstChunkMS float64 `json:"tts_first_chunk_ms"`
			TTSFirstAudioMS float64 `json:"tts_first_audio_ms"`
			FirstFrameOutMS float64 `json:"first_frame_out_ms"`
			Speculative     bool    `json:"speculative"`
			ConfigVersion   int     `json:"config_version"`
			LLMProvider     string  `json:"llm_provider"`
			LLMFallback     bool    `json:"llm_fallback"`
			TTSProvider     string  `json:"tts_provider"`
		}{e.Turn, ms(e.LLMFirstToken), ms(e.TTSFirstChunk), ms(e.TTSFirstAudio), ms(e.FirstFrameOut), e.Speculative, e.ConfigVersion,
			Clean(e.LLMProvider), e.LLMFallback, Clean(e.TTSProvider)}
	case ConfigApplied:
		return struct {
			Version int `json:"version"`
		}{e.Version}
	case ProviderError:
		return struct {
			Service   string `json:"service"`
			Provider  string `json:"provider"`
			Error     string `json:"error"`
			Recovered bool   `json:"recovered"`
		}{Clean(e.Service), Clean(e.Provider), Clean(secrets.Scrub(e.Error)), e.Recovered}
	case IdlePrompt:
		return struct {
			Count     int  `json:"count"`
			Generated bool `json:"generated"`
		}{e.Count, e.Generated}
	case StageChanged:
		return struct {
			Stage string `json:"stage"`
		}{Clean(e.Stage)}
	case Consent:
		return struct {
			Decision string `json:"decision"`
			Asked    int    `json:"asked"`
		}{Clean(e.Decision), e.Asked}
	case AnsweredBy:
		return struct {
			Who     string  `json:"who"`
			Signal  string  `json:"signal"`
			AfterMS float64 `json:"after_ms"`
		}{Clean(e.Who), Clean(e.Signal), ms(e.After)}
	case Filler:
		return struct {
			Phrase   string `json:"phrase"`
			TurnKind string `json:"turn_kind"`
		}{Clean(e.Phrase), Clean(e.TurnKind)}
	case AssistantTransferred:
		return struct {
			From  int64  `json:"from_assistant_id"`
			To    int64  `json:"to_assistant_id"`
			Error string `json:"error,omitempty"`
		}{e.From, e.To, Clean(e.Error)}
	case CallerEndPhrase:
		return struct {
			Phrase string `json:"phrase"`
		}{Clean(e.Phrase)}
	case DTMF:
		return struct {
			Digits string `json:"digits"`
			Sent   bool   `json:"sent"`
		}{Clean(e.Digits), e.Sent}
	default:
		// An event kind added later is still recorded, with its exported
		// fields as encoding/json writes them.
		return e
	}
}

// Clean makes text storable in PostgreSQL, whose text and jsonb refuse NUL
// characters and invalid UTF-8, and sendable as JSON: both are dropped.
func Clean(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
}
