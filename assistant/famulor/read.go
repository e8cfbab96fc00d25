package famulor

import (
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
)

// Assistant is an assistant as Famulor's list shows it: every field its
// writes take, read back from the configuration, and the list's extras.
type Assistant struct {
	ID                         int64             `json:"id"`
	UUID                       string            `json:"uuid"`
	UserID                     *int64            `json:"user_id"`
	Status                     string            `json:"status" check:"enum=active|inactive"`
	Name                       string            `json:"name"`
	Type                       string            `json:"type" check:"enum=inbound|outbound"`
	Mode                       string            `json:"mode" check:"enum=pipeline"`
	Timezone                   string            `json:"timezone"`
	InitialMessage             *string           `json:"initial_message"`
	SystemPrompt               string            `json:"system_prompt"`
	VoiceID                    *int64            `json:"voice_id"`
	LanguageID                 *int64            `json:"language_id"`
	Language                   *string           `json:"language"`
	LLMModelID                 *int64            `json:"llm_model_id"`
	MultimodalModelID          *int64            `json:"multimodal_model_id"`
	ChatLLMFallbackID          *int64            `json:"chat_llm_fallback_id"`
	TurnDetectionThreshold     *float64          `json:"turn_detection_threshold"`
	SecondaryLanguageIDs       []int64           `json:"secondary_language_ids"`
	KnowledgebaseID            *int64            `json:"knowledgebase_id"`
	KnowledgebaseMode          *string           `json:"knowledgebase_mode" check:"enum=function_call|prompt"`
	PhoneNumberID              *int64            `json:"phone_number_id"`
	ToolIDs                    []int64           `json:"tool_ids"`
	Tools                      []Tool            `json:"tools"`
	TTSEmotionEnabled          bool              `json:"tts_emotion_enabled"`
	VoiceStability             float64           `json:"voice_stability"`
	VoiceSimilarity            float64           `json:"voice_similarity"`
	SpeechSpeed                float64           `json:"speech_speed"`
	LLMTemperature             float64           `json:"llm_temperature"`
	SynthesizerProviderID      *int64            `json:"synthesizer_provider_id"`
	TranscriberProviderID      *int64            `json:"transcriber_provider_id"`
	AllowInterruptions         bool              `json:"allow_interruptions"`
	Fillers                    bool              `json:"fillers"`
	FillerConfig               FillerConfig      `json:"filler_config"`
	Record                     bool              `json:"record"`
	EnableNoiseCancellation    bool              `json:"enable_noise_cancellation"`
	WaitForCustomer            bool              `json:"wait_for_customer"`
	MaxDuration                *int              `json:"max_duration"`
	MaxSilenceDuration         *int              `json:"max_silence_duration"`
	MaxInitialSilenceDuration  *int              `json:"max_initial_silence_duration"`
	RingingTime                int               `json:"ringing_time"`
	ReengagementInterval       *int              `json:"reengagement_interval"`
	ReengagementPrompt         *string           `json:"reengagement_prompt"`
	EndCallOnVoicemail         bool              `json:"end_call_on_voicemail"`
	VoiceMailMessage           *string           `json:"voice_mail_message"`
	EndpointType               string            `json:"endpoint_type" check:"enum=vad|ai"`
	EndpointSensitivity        float64           `json:"endpoint_sensitivity"`
	InterruptSensitivity       float64           `json:"interrupt_sensitivity"`
	MinInterruptWords          *int              `json:"min_interrupt_words"`
	AmbientSound               string            `json:"ambient_sound"`
	AmbientSoundVolume         float64           `json:"ambient_sound_volume"`
	IsWebhookActive            bool              `json:"is_webhook_active"`
	WebhookURL                 *string           `json:"webhook_url"`
	SendWebhookOnlyOnCompleted bool              `json:"send_webhook_only_on_completed"`
	IncludeRecordingInWebhook  bool              `json:"include_recording_in_webhook"`
	PostCallEvaluation         bool              `json:"post_call_evaluation"`
	PostCallSchema             []SchemaField     `json:"post_call_schema"`
	Variables                  map[string]string `json:"variables"`
	ConversationInactivity     *int              `json:"conversation_inactivity_timeout"`
	ConversationEndedRetrigger bool              `json:"conversation_ended_retrigger"`
	ConversationEndedWebhook   *string           `json:"conversation_ended_webhook_url"`
	CreatedAt                  time.Time         `json:"created_at"`
	UpdatedAt                  time.Time         `json:"updated_at"`
}

// Tool is a built-in tool as the list shows it.
type Tool struct {
	Type string         `json:"type"`
	Data map[string]any `json:"data"`
}

// FillerConfig are the filler phrases by category.
type FillerConfig struct {
	Positive []string `json:"positive"`
	Negative []string `json:"negative"`
	Question []string `json:"question"`
	Neutral  []string `json:"neutral"`
}

// SchemaField is one variable post-call evaluation extracts.
type SchemaField struct {
	Name        string `json:"name"`
	Type        string `json:"type" check:"enum=string|number|bool"`
	Description string `json:"description"`
}

// Meta are an assistant's fields beyond its configuration.
type Meta struct {
	ID            int64
	PhoneNumberID *int64 // the number it answers, if any
	UUID          string
	UserID        *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Read renders a configuration (secrets masked) as Famulor's assistant.
func Read(m Meta, c assistant.Config) Assistant {
	ts, is, ss := c.TTSSettings, c.InterruptionSettings, c.SilenceSettings
	a := Assistant{
		ID: m.ID, UUID: m.UUID, UserID: m.UserID, PhoneNumberID: m.PhoneNumberID, Status: "inactive", Name: c.Name, Type: "inbound", Mode: "pipeline",
		Timezone: c.CallFlowSettings.Timezone, InitialMessage: c.LLMSettings.WelcomeMessage, SystemPrompt: c.LLMSettings.SystemPrompt,
		VoiceID:              voiceID(ts.Provider, ts.VoiceID),
		LanguageID:           languageID(c.STTSettings.Language),
		LLMModelID:           modelID(c.LLMProvider, c.LLMProviderConfig.Model),
		SecondaryLanguageIDs: []int64{}, ToolIDs: []int64{}, Tools: readTools(c.ToolsSettings),
		VoiceStability: ts.Stability, VoiceSimilarity: ts.SimilarityBoost, SpeechSpeed: ts.Speed,
		LLMTemperature: c.LLMSettings.Temperature, AllowInterruptions: is.AllowInterruptions,
		Fillers: c.FillerSettings.Enabled,
		FillerConfig: FillerConfig{Positive: c.FillerSettings.Positive, Negative: c.FillerSettings.Negative,
			Question: c.FillerSettings.Question, Neutral: c.FillerSettings.Neutral},
		Record: c.RecordingSettings.Enabled, WaitForCustomer: c.CallFlowSettings.WaitForCaller,
		MaxDuration: c.MaxCallLength, MaxSilenceDuration: c.IdleTimeout, MaxInitialSilenceDuration: ss.InitialTimeoutSeconds,
		RingingTime: c.CallFlowSettings.RingingTimeoutSeconds, ReengagementInterval: ss.IntervalSeconds,
		ReengagementPrompt: ss.ReengagementPrompt,
		EndCallOnVoicemail: c.VoicemailSettings.Detection != "off", VoiceMailMessage: c.VoicemailSettings.Message,
		EndpointType:         "vad",
		EndpointSensitivity:  clamp(round((endpointBase - c.STTSettings.UtteranceTimeoutSeconds) / endpointStep)),
		InterruptSensitivity: clamp(round(interruptBase - is.MinSpeakingTime/interruptStep)),
		AmbientSound:         "off", AmbientSoundVolume: ts.BackgroundSound.Volume,
		IsWebhookActive: c.WebhookSettings.Enabled && c.WebhookURL != nil, WebhookURL: c.WebhookURL,
		SendWebhookOnlyOnCompleted: c.WebhookSettings.Reports != "all", IncludeRecordingInWebhook: c.WebhookSettings.IncludeRecording,
		PostCallEvaluation: c.AnalysisSettings.StructuredData.Enabled,
		PostCallSchema:     readSchema(c.AnalysisSettings.StructuredData.Schema),
		Variables:          c.Variables,
		CreatedAt:          m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
	if c.IsActive {
		a.Status = "active"
	}
	if rs := c.RAGSettings; rs.Enabled && rs.KnowledgeBaseID != nil {
		mode := "function_call"
		if rs.RAGInjectBeforeLLM {
			mode = "prompt"
		}
		a.KnowledgebaseID, a.KnowledgebaseMode = rs.KnowledgeBaseID, &mode
	}
	if c.CallFlowSettings.Direction == "outbound" {
		a.Type = "outbound"
	}
	if a.LanguageID != nil {
		l, _ := languageByID(*a.LanguageID)
		a.Language = &l.ISO2
	}
	if c.STTSettings.IncompleteUtteranceDetection {
		a.EndpointType = "ai"
	}
	if is.InterruptionThreshold > 1 {
		n := is.InterruptionThreshold
		a.MinInterruptWords = &n
	}
	if bs := ts.BackgroundSound; bs.Enabled && bs.StorageKey != nil {
		a.AmbientSound = *bs.StorageKey
	}
	return a
}

func clamp(f float64) float64 { return min(max(f, 0), 5) }

func readTools(t assistant.ToolsSettings) []Tool {
	out := []Tool{}
	withDescription := func(typ string, scenarios []string, data map[string]any) {
		if len(scenarios) > 0 {
			data["description"] = scenarios[0]
		}
		out = append(out, Tool{Type: typ, Data: data})
	}
	if t.EndCall.Enabled {
		withDescription("end_call", t.EndCall.Scenarios, map[string]any{})
	}
	if tc := t.TransferCall; tc.Enabled && len(tc.TransferNumbers) > 0 {
		withDescription("call_transfer", tc.Scenarios, map[string]any{"phone_number": tc.TransferNumbers[0], "warm_transfer": tc.TransferType == "warm"})
	}
	if t.DTMFSolver.Enabled {
		withDescription("dtmf_input", t.DTMFSolver.Scenarios, map[string]any{})
	}
	if k := t.CollectKeypad; k.Enabled {
		out = append(out, Tool{Type: "collect_keypad", Data: map[string]any{"timeout": k.TimeoutSeconds, "stop_key": k.StopKey}})
	}
	if t.AssistantTransfer.Enabled {
		for _, tg := range t.AssistantTransfer.Targets {
			data := map[string]any{"assistant_id": tg.AssistantID, "speak_transfer_greeting": tg.SpeakGreeting}
			if tg.Description != "" {
				data["description"] = tg.Description
			}
			if tg.Message != nil {
				data["message_before_transfer"] = *tg.Message
			}
			out = append(out, Tool{Type: "assistant_transfer", Data: data})
		}
	}
	return out
}

// readSchema lists the properties of the extraction schema, by name.
func readSchema(s map[string]any) []SchemaField {
	out := []SchemaField{}
	props, _ := s["properties"].(map[string]any)
	for name, v := range props {
		p, _ := v.(map[string]any)
		f := SchemaField{Name: name, Type: "string"}
		switch p["type"] {
		case "number", "integer":
			f.Type = "number"
		case "boolean":
			f.Type = "bool"
		}
		f.Description, _ = p["description"].(string)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b SchemaField) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return out
}
