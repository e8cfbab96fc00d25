package voicedock

import (
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
)

// Assistant is VoiceDock's assistant object, read from the configuration.
type Assistant struct {
	ID                        string       `json:"id"`
	Name                      string       `json:"name"`
	BusinessName              *string      `json:"business_name"`
	NotificationEmail         *string      `json:"notification_email"`
	NotificationEmails        []string     `json:"notification_emails"`
	RecordingConsent          *Consent     `json:"recording_consent"`
	FirstMessage              *string      `json:"first_message"`
	IsActive                  bool         `json:"is_active"`
	MaxDurationSeconds        *int         `json:"max_duration_seconds"`
	AutonomousSilenceHandling bool         `json:"autonomous_silence_handling"`
	SilenceTimeoutSeconds     *int         `json:"silence_timeout_seconds"`
	VoicemailDetection        bool         `json:"voicemail_detection"`
	VoicemailMessage          *string      `json:"voicemail_message"`
	GDPRMode                  bool         `json:"gdpr_mode"`
	WebhookURL                *string      `json:"webhook_url"`
	WebhookSecret             *string      `json:"webhook_secret"`
	WebhookEvents             *[]string    `json:"webhook_events"`
	AnalysisPlan              AnalysisPlan `json:"analysis_plan"`
	STTConfig                 STTConfig    `json:"stt_config"`
	LLMConfig                 LLMConfig    `json:"llm_config"`
	TTSConfig                 TTSConfig    `json:"tts_config"`
	SpeechConfig              SpeechConfig `json:"speech_config"`
	CreatedAt                 time.Time    `json:"created_at"`
	UpdatedAt                 time.Time    `json:"updated_at"`
}

// Consent is the recording consent gate.
type Consent struct {
	Enabled bool   `json:"enabled"`
	Message string `json:"message"`
}

// AnalysisPlan is the post-call structured data extraction.
type AnalysisPlan struct {
	StructuredDataPlan   StructuredDataPlan `json:"structured_data_plan"`
	MinMessagesThreshold int                `json:"min_messages_threshold"`
}

// StructuredDataPlan extracts data against a JSON Schema.
type StructuredDataPlan struct {
	Enabled  bool                        `json:"enabled"`
	Schema   map[string]any              `json:"schema"`
	Messages []assistant.AnalysisMessage `json:"messages"`
}

// STTConfig is the recogniser.
type STTConfig struct {
	Provider       string   `json:"provider"`
	Model          string   `json:"model"`
	Language       string   `json:"language"`
	Keyterms       []string `json:"keyterms"`
	SmartFormat    bool     `json:"smart_format"`
	Endpointing    int      `json:"endpointing"`
	UtteranceEndMS int      `json:"utterance_end_ms"`
}

// LLMConfig is the model.
type LLMConfig struct {
	Provider            string    `json:"provider"`
	Model               string    `json:"model"`
	Temperature         float64   `json:"temperature"`
	MaxCompletionTokens int       `json:"max_completion_tokens"`
	Messages            []Message `json:"messages"`
	Tools               []Tool    `json:"tools"`
	AnalysisModel       *string   `json:"analysis_model"`
}

// Message is a prompt message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Tool is an HTTP tool, in VoiceDock's flat form.
type Tool struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	URL         string         `json:"url,omitempty"` // none: the webhook runs it (tool-calls)
	Parameters  map[string]any `json:"parameters"`
}

// TTSConfig is the voice.
type TTSConfig struct {
	Provider        string  `json:"provider"`
	VoiceID         string  `json:"voice_id"`
	Model           string  `json:"model"`
	Stability       float64 `json:"stability"`
	SimilarityBoost float64 `json:"similarity_boost"`
	Style           float64 `json:"style"`
	UseSpeakerBoost bool    `json:"use_speaker_boost"`
	Speed           float64 `json:"speed"`
}

// SpeechConfig is how the conversation flows.
type SpeechConfig struct {
	TurnTaking           TurnTaking                    `json:"turn_taking"`
	Pronunciation        []assistant.PronunciationRule `json:"pronunciation"`
	BackgroundAudio      BackgroundAudio               `json:"background_audio"`
	Silence              Silence                       `json:"silence"`
	EndCallMessage       *string                       `json:"end_call_message"`
	FirstMessageOutbound *string                       `json:"first_message_outbound"`
	EndCallPhrases       []string                      `json:"end_call_phrases"`
}

// TurnTaking are the end-of-turn and interruption knobs.
type TurnTaking struct {
	EndpointingMinDelay      float64  `json:"endpointing_min_delay"`
	EndpointingMaxDelay      float64  `json:"endpointing_max_delay"`
	InterruptionMinDuration  *float64 `json:"interruption_min_duration"`
	InterruptionMinWords     int      `json:"interruption_min_words"`
	FalseInterruptionTimeout float64  `json:"false_interruption_timeout"`
}

// BackgroundAudio is the ambience under the voice.
type BackgroundAudio struct {
	Enabled bool    `json:"enabled"`
	Clip    *string `json:"clip"`
	Volume  float64 `json:"volume"`
}

// Silence is the silence ladder.
type Silence struct {
	Messages          []string `json:"messages"`
	FinalMessage      *string  `json:"final_message"`
	FirstCheckSeconds int      `json:"first_check_seconds"`
	IntervalSeconds   int      `json:"interval_seconds"`
	MaxAttempts       int      `json:"max_attempts"`
}

// Meta are an assistant's fields beyond its configuration.
type Meta struct {
	UUID      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Read renders a configuration (secrets masked) as VoiceDock's assistant.
func Read(m Meta, c assistant.Config) Assistant {
	ss, st, ts := c.SilenceSettings, c.STTSettings, c.TTSSettings
	a := Assistant{
		ID: m.UUID, Name: c.Name, FirstMessage: c.LLMSettings.WelcomeMessage, IsActive: c.IsActive,
		MaxDurationSeconds: c.MaxCallLength, AutonomousSilenceHandling: c.IdleTimeout != nil,
		SilenceTimeoutSeconds: ss.MaxSilenceSeconds, VoicemailDetection: c.VoicemailSettings.Detection != "off",
		VoicemailMessage: c.VoicemailSettings.Message, GDPRMode: c.PrivacySettings.GDPRMode,
		AnalysisPlan: AnalysisPlan{
			StructuredDataPlan: StructuredDataPlan{Enabled: c.AnalysisSettings.StructuredData.Enabled,
				Schema: c.AnalysisSettings.StructuredData.Schema, Messages: c.AnalysisSettings.StructuredData.Messages},
			MinMessagesThreshold: c.AnalysisSettings.MinMessages,
		},
		STTConfig: STTConfig{Provider: st.Provider, Model: st.Model, Language: language(st.Language), Keyterms: st.Keyterms,
			SmartFormat: st.SmartFormat, Endpointing: st.Endpointing.SilenceThreshold, UtteranceEndMS: st.UtteranceEndMS},
		LLMConfig: LLMConfig{Provider: provider(c), Model: c.LLMProviderConfig.Model, Temperature: c.LLMSettings.Temperature,
			MaxCompletionTokens: c.LLMSettings.MaxTokens, Messages: []Message{{Role: "system", Content: c.LLMSettings.SystemPrompt}},
			Tools: tools(c.ToolsSettings.CustomTools), AnalysisModel: c.AnalysisSettings.Model},
		TTSConfig: TTSConfig{Provider: ts.Provider, VoiceID: ts.VoiceID, Model: ts.ModelID, Stability: ts.Stability,
			SimilarityBoost: ts.SimilarityBoost, Style: ts.Style, UseSpeakerBoost: ts.UseSpeakerBoost, Speed: ts.Speed},
		SpeechConfig: SpeechConfig{
			TurnTaking: TurnTaking{
				EndpointingMinDelay:      float64(st.Endpointing.SilenceThreshold) / 1000,
				EndpointingMaxDelay:      st.UtteranceTimeoutSeconds,
				InterruptionMinWords:     c.InterruptionSettings.InterruptionThreshold,
				FalseInterruptionTimeout: float64(c.InterruptionSettings.FalseInterruptionTimeoutMS) / 1000,
			},
			Pronunciation:        ts.Pronunciation,
			BackgroundAudio:      BackgroundAudio{Enabled: ts.BackgroundSound.Enabled, Clip: ts.BackgroundSound.StorageKey, Volume: ts.BackgroundSound.Volume},
			Silence:              Silence{Messages: ss.Messages, FinalMessage: ss.FinalMessage, FirstCheckSeconds: defaultFirstCheck, IntervalSeconds: defaultInterval, MaxAttempts: defaultMaxAttempts},
			EndCallMessage:       c.EndCallMessage,
			FirstMessageOutbound: c.CallFlowSettings.OutboundWelcomeMessage,
			EndCallPhrases:       c.CallFlowSettings.EndCallPhrases,
		},
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
	ws := c.WebhookSettings
	a.WebhookURL, a.WebhookEvents = c.WebhookURL, ws.Events
	if ws.Secret != nil {
		mask := assistant.Mask
		a.WebhookSecret = &mask
	}
	if v, ok := c.Variables["business_name"]; ok {
		a.BusinessName = &v
	}
	if rs := c.RecordingSettings; rs.ConsentRequired || rs.ConsentMessage != nil {
		a.RecordingConsent = &Consent{Enabled: rs.ConsentRequired}
		if rs.ConsentMessage != nil {
			a.RecordingConsent.Message = *rs.ConsentMessage
		}
	}
	if a.SpeechConfig.TurnTaking.InterruptionMinWords == 1 {
		a.SpeechConfig.TurnTaking.InterruptionMinWords = 0
	}
	sl := &a.SpeechConfig.Silence
	if c.IdleTimeout != nil {
		sl.FirstCheckSeconds, sl.IntervalSeconds = *c.IdleTimeout, *c.IdleTimeout
	}
	if ss.IntervalSeconds != nil {
		sl.IntervalSeconds = *ss.IntervalSeconds
	}
	if c.MaxIdleMessages != nil {
		sl.MaxAttempts = *c.MaxIdleMessages
	}
	return a
}

func language(code string) string {
	for short, long := range sttLanguages {
		if long == code {
			return short
		}
	}
	return code
}

func provider(c assistant.Config) string {
	switch {
	case c.LLMProvider == "gemini":
		return "google"
	case c.LLMProvider == "custom" && c.LLMProviderConfig.BaseURL != nil && *c.LLMProviderConfig.BaseURL == mistralBase:
		return "mistral"
	}
	return c.LLMProvider
}

func tools(ct []assistant.CustomTool) []Tool {
	out := make([]Tool, len(ct))
	for i, t := range ct {
		out[i] = Tool{Name: t.Name, Description: t.Description, URL: t.URL, Parameters: t.Parameters}
	}
	return out
}
