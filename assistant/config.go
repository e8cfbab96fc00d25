// Package assistant defines an assistant's configuration: the Burki-compatible
// schema, its defaults, validation, PATCH deep-merge, secret handling and the
// change history diff. It is pure (no I/O); the assistant actor owns an
// instance of it and persists the results.
package assistant

// Config is the full configuration of an assistant, in the field order of the
// Burki assistant object (seed 000/001). Fields with a documented default are
// values; fields whose default is null are pointers. The `check` tag holds the
// validation rules read by Validate.
type Config struct {
	Name                          string               `json:"name" check:"required,maxlen=255"`
	Description                   *string              `json:"description" check:"maxlen=5000"`
	LLMProvider                   string               `json:"llm_provider" check:"enum=openai|azure|anthropic|gemini|xai|groq|custom"`
	LLMProviderConfig             LLMProviderConfig    `json:"llm_provider_config"`
	LLMSettings                   LLMSettings          `json:"llm_settings"`
	WebhookURL                    *string              `json:"webhook_url" check:"url"`
	SMSWebhookURL                 *string              `json:"sms_webhook_url" check:"url"`
	MessagingServiceSID           *string              `json:"messaging_service_sid" check:"maxlen=64"`
	InterruptionSettings          InterruptionSettings `json:"interruption_settings"`
	TTSSettings                   TTSSettings          `json:"tts_settings"`
	STTSettings                   STTSettings          `json:"stt_settings"`
	EndCallMessage                *string              `json:"end_call_message" check:"maxlen=1000"`
	TransferCallMessage           *string              `json:"transfer_call_message" check:"maxlen=1000"`
	IdleMessage                   *string              `json:"idle_message" check:"maxlen=1000"`
	MaxIdleMessages               *int                 `json:"max_idle_messages" check:"min=0,max=100"`
	IdleTimeout                   *int                 `json:"idle_timeout" check:"min=1,max=3600"`
	MaxCallLength                 *int                 `json:"max_call_length" check:"min=1"`
	ConversationContinuityEnabled bool                 `json:"conversation_continuity_enabled"`
	ToolsSettings                 ToolsSettings        `json:"tools_settings"`
	RAGSettings                   RAGSettings          `json:"rag_settings"`
	LLMFallbackProviders          LLMFallbackSettings  `json:"llm_fallback_providers"`
	BypassNumbers                 []string             `json:"bypass_numbers" check:"e164,maxitems=100"`
	CustomSettings                map[string]any       `json:"custom_settings"`
	IsActive                      bool                 `json:"is_active"`
	BackchannelSettings           BackchannelSettings  `json:"backchannel_settings"`
	RecordingSettings             RecordingSettings    `json:"recording_settings"`
	APIKeys                       map[string]string    `json:"api_keys" check:"keyname"`
	TTSLimit                      *int                 `json:"tts_limit" check:"min=1,max=1000"`
	STTLimit                      *int                 `json:"stt_limit" check:"min=1,max=1000"`
	TwilioConfig                  *TwilioConfig        `json:"twilio_config"`
	TelnyxConfig                  *TelnyxConfig        `json:"telnyx_config"`

	// Beyond Burki's schema (conversation.go).
	STTFallbackProviders STTFallbackSettings `json:"stt_fallback_providers"`
	CallFlowSettings     CallFlowSettings    `json:"call_flow_settings"`
	SilenceSettings      SilenceSettings     `json:"silence_settings"`
	FillerSettings       FillerSettings      `json:"filler_settings"`
	VoicemailSettings    VoicemailSettings   `json:"voicemail_settings"`
	AnalysisSettings     AnalysisSettings    `json:"analysis_settings"`
	PrivacySettings      PrivacySettings     `json:"privacy_settings"`
	WebhookSettings      WebhookSettings     `json:"webhook_settings"`
	// Variables fill {{name}} in the prompt and the messages; a call can
	// bring its own.
	Variables map[string]string `json:"variables" check:"maxitems=100,varname,maxlen=1000"`
}

// LLMProviderConfig says where and how to reach the primary LLM.
type LLMProviderConfig struct {
	APIKey       *string        `json:"api_key" check:"maxlen=4096"`
	BaseURL      *string        `json:"base_url" check:"url"`
	Model        string         `json:"model" check:"required,maxlen=200"`
	CustomConfig map[string]any `json:"custom_config"`
}

// LLMSettings are the generation parameters and the conversation's opening.
type LLMSettings struct {
	Temperature      float64  `json:"temperature" check:"min=0,max=2"`
	MaxTokens        int      `json:"max_tokens" check:"min=1,max=128000"`
	SystemPrompt     string   `json:"system_prompt" check:"maxlen=100000"`
	WelcomeMessage   *string  `json:"welcome_message" check:"maxlen=2000"`
	TopP             float64  `json:"top_p" check:"min=0,max=1"`
	FrequencyPenalty float64  `json:"frequency_penalty" check:"min=-2,max=2"`
	PresencePenalty  float64  `json:"presence_penalty" check:"min=-2,max=2"`
	StopSequences    []string `json:"stop_sequences" check:"maxitems=4,maxlen=100"`
}

// InterruptionSettings tune barge-in. InterruptionMode, when set, fills the
// other fields from a preset unless the same write gives them explicitly
// (see ApplyInterruptionPreset).
type InterruptionSettings struct {
	InterruptionThreshold int     `json:"interruption_threshold" check:"min=1,max=20"`
	MinSpeakingTime       float64 `json:"min_speaking_time" check:"min=0,max=10"`
	InterruptionCooldown  float64 `json:"interruption_cooldown" check:"min=0,max=10"`
	InterruptionMode      *string `json:"interruption_mode" check:"enum=aggressive|balanced|conservative"`
	MinSTTConfidence      float64 `json:"min_stt_confidence" check:"min=0,max=1"`
	ConfirmationWindowMS  int     `json:"confirmation_window_ms" check:"min=0,max=5000"`
	TentativeConfirmWords int     `json:"tentative_confirm_words" check:"min=1,max=20"`
	BackchannelFilter     bool    `json:"backchannel_filter"`
	TailProtectionMS      int     `json:"tail_protection_ms" check:"min=0,max=10000"`
	// AllowInterruptions false: the caller never barges in; speech over
	// the assistant is their next turn.
	AllowInterruptions bool `json:"allow_interruptions"`
	// FalseInterruptionTimeoutMS is how long a paused reply waits for the
	// first word of speech over it before it resumes.
	FalseInterruptionTimeoutMS int `json:"false_interruption_timeout_ms" check:"min=200,max=5000"`
}

// TTSSettings choose and tune the voice.
type TTSSettings struct {
	Provider        string          `json:"provider" check:"enum=elevenlabs|deepgram|cartesia|openai"`
	VoiceID         string          `json:"voice_id" check:"required,maxlen=200"`
	ModelID         string          `json:"model_id" check:"maxlen=200"`
	Latency         int             `json:"latency" check:"min=0,max=4"`
	Stability       float64         `json:"stability" check:"min=0,max=1"`
	SimilarityBoost float64         `json:"similarity_boost" check:"min=0,max=1"`
	Style           float64         `json:"style" check:"min=0,max=1"`
	Speed           float64         `json:"speed" check:"min=0.25,max=4"`
	Volume          float64         `json:"volume" check:"min=0,max=2"`
	UseSpeakerBoost bool            `json:"use_speaker_boost"`
	ProviderConfig  map[string]any  `json:"provider_config"`
	BackgroundSound BackgroundSound `json:"background_sound"`
	// Pronunciation replaces text before it is synthesised.
	Pronunciation []PronunciationRule `json:"pronunciation" check:"maxitems=50"`
}

// BackgroundSound is an ambience mixed under the assistant's voice.
type BackgroundSound struct {
	Enabled    bool    `json:"enabled"`
	StorageKey *string `json:"storage_key" check:"maxlen=500"`
	SoundURL   *string `json:"sound_url" check:"url"`
	Volume     float64 `json:"volume" check:"min=0,max=1"`
	Loop       bool    `json:"loop"`
}

// STTSettings choose and tune speech recognition and end-of-turn detection.
type STTSettings struct {
	Provider                     string             `json:"provider" check:"enum=deepgram|soniox|speechmatics|elevenlabs"`
	Model                        string             `json:"model" check:"required,maxlen=100"`
	Language                     string             `json:"language" check:"required,maxlen=35"`
	Punctuate                    bool               `json:"punctuate"`
	InterimResults               bool               `json:"interim_results"`
	Endpointing                  Endpointing        `json:"endpointing"`
	UtteranceEndMS               int                `json:"utterance_end_ms" check:"min=0,max=5000"`
	SmartFormat                  bool               `json:"smart_format"`
	Keywords                     []Keyword          `json:"keywords" check:"maxitems=200"`
	Keyterms                     []string           `json:"keyterms" check:"maxitems=100,maxlen=100"`
	Diarize                      bool               `json:"diarize"`
	DetectEntities               bool               `json:"detect_entities"`
	AudioDenoising               bool               `json:"audio_denoising"`
	FluxConfig                   FluxConfig         `json:"flux_config"`
	ElevenLabsConfig             ElevenLabsSTT      `json:"elevenlabs_config"`
	SpeechmaticsConfig           SpeechmaticsConfig `json:"speechmatics_config"`
	SonioxConfig                 SonioxConfig       `json:"soniox_config"`
	SpeculativeConfig            SpeculativeConfig  `json:"speculative_config"`
	UtteranceTimeoutSeconds      float64            `json:"utterance_timeout_seconds" check:"min=0.1,max=30"`
	IncompleteUtteranceDetection bool               `json:"incomplete_utterance_detection"`
	ProviderConfig               map[string]any     `json:"provider_config"`
	PreferFluxForEnglish         bool               `json:"prefer_flux_for_english"`
	EnglishFluxConfig            FluxConfig         `json:"english_flux_config"`
}

// Endpointing is the provider's silence-based endpointing, in milliseconds.
type Endpointing struct {
	SilenceThreshold   int `json:"silence_threshold" check:"min=0,max=10000"`
	MinSilenceDuration int `json:"min_silence_duration" check:"min=0,max=10000"`
}

// Keyword boosts a word for models that take keywords (Nova-2 and older).
type Keyword struct {
	Keyword     string  `json:"keyword" check:"required,maxlen=100"`
	Intensifier float64 `json:"intensifier" check:"min=-100,max=100"`
}

// FluxConfig tunes Deepgram Flux's native end-of-turn detection.
type FluxConfig struct {
	EOTTimeoutMS      int      `json:"eot_timeout_ms" check:"min=500,max=10000"`
	EagerEOTThreshold float64  `json:"eager_eot_threshold" check:"min=0.3,max=0.9"`
	EOTThreshold      float64  `json:"eot_threshold" check:"min=0.5,max=1"`
	LanguageHints     []string `json:"language_hints" check:"maxitems=20,maxlen=35"`
	Tag               *string  `json:"tag" check:"maxlen=128"`
	MIPOptOut         bool     `json:"mip_opt_out"`
}

// ElevenLabsSTT is ElevenLabs Scribe realtime's commit configuration.
type ElevenLabsSTT struct {
	CommitStrategy               string  `json:"commit_strategy" check:"enum=vad|manual"`
	VADThreshold                 float64 `json:"vad_threshold" check:"min=0,max=1"`
	VADSilenceThresholdSecs      float64 `json:"vad_silence_threshold_secs" check:"min=0,max=10"`
	MinSpeechDurationMS          int     `json:"min_speech_duration_ms" check:"min=0,max=10000"`
	MinSilenceDurationMS         int     `json:"min_silence_duration_ms" check:"min=0,max=10000"`
	IncludeTimestamps            bool    `json:"include_timestamps"`
	IncludeLanguageDetection     bool    `json:"include_language_detection"`
	ManualCommitSilenceSecs      float64 `json:"manual_commit_silence_secs" check:"min=0,max=10"`
	ManualCommitShortSilenceSecs float64 `json:"manual_commit_short_silence_secs" check:"min=0,max=10"`
}

// SpeechmaticsConfig is Speechmatics realtime's configuration.
type SpeechmaticsConfig struct {
	Region                        string   `json:"region" check:"enum=us|eu"`
	MaxDelay                      float64  `json:"max_delay" check:"min=0.7,max=4"`
	EnablePartials                bool     `json:"enable_partials"`
	RemoveDisfluencies            bool     `json:"remove_disfluencies"`
	EnableDiarization             bool     `json:"enable_diarization"`
	SpeakerDiarizationMaxSpeakers int      `json:"speaker_diarization_max_speakers" check:"min=2,max=20"`
	AdditionalVocab               []string `json:"additional_vocab" check:"maxitems=1000,maxlen=100"`
	UtteranceSilenceTimeout       float64  `json:"utterance_silence_timeout" check:"min=0,max=30"`
}

// SonioxConfig is Soniox realtime's configuration.
type SonioxConfig struct {
	LanguageHints                []string         `json:"language_hints" check:"maxitems=20,maxlen=35"`
	EnableEndpointDetection      bool             `json:"enable_endpoint_detection"`
	MaxEndpointDelayMS           int              `json:"max_endpoint_delay_ms" check:"min=0,max=10000"`
	EnableSpeakerDiarization     bool             `json:"enable_speaker_diarization"`
	EnableLanguageIdentification bool             `json:"enable_language_identification"`
	ContextTerms                 []string         `json:"context_terms" check:"maxitems=1000,maxlen=100"`
	ContextText                  *string          `json:"context_text" check:"maxlen=10000"`
	ContextGeneral               []map[string]any `json:"context_general" check:"maxitems=100"`
	ContextTranslationTerms      []map[string]any `json:"context_translation_terms" check:"maxitems=1000"`
	TranslationType              *string          `json:"translation_type" check:"maxlen=50"`
	TranslationTargetLanguage    *string          `json:"translation_target_language" check:"maxlen=35"`
	TranslationLanguageA         *string          `json:"translation_language_a" check:"maxlen=35"`
	TranslationLanguageB         *string          `json:"translation_language_b" check:"maxlen=35"`
	NumChannels                  int              `json:"num_channels" check:"min=1,max=2"`
	UtteranceSilenceTimeout      float64          `json:"utterance_silence_timeout" check:"min=0,max=30"`
}

// SpeculativeConfig starts the LLM on interim transcripts before the final.
type SpeculativeConfig struct {
	EnableSpeculativeLLM           bool    `json:"enable_speculative_llm"`
	SpeculativeStreamToTTS         bool    `json:"speculative_stream_to_tts"`
	SpeculativeDebounceMS          int     `json:"speculative_debounce_ms" check:"min=100,max=1000"`
	SpeculativeMinWords            int     `json:"speculative_min_words" check:"min=1,max=10"`
	SpeculativeSimilarityThreshold float64 `json:"speculative_similarity_threshold" check:"min=0.5,max=1"`
}

// ToolsSettings enable the built-in call tools and the custom HTTP tools.
type ToolsSettings struct {
	EnabledTools []string         `json:"enabled_tools" check:"maxitems=50,maxlen=64"`
	EndCall      EndCallTool      `json:"end_call"`
	TransferCall TransferCallTool `json:"transfer_call"`
	DTMFSolver   DTMFSolverTool   `json:"dtmf_solver"`
	SendSMS      SendSMSTool      `json:"send_sms"`
	CustomTools  []CustomTool     `json:"custom_tools" check:"maxitems=50"`

	CollectKeypad     CollectKeypadTool     `json:"collect_keypad"`
	AssistantTransfer AssistantTransferTool `json:"assistant_transfer"`
}

// EndCallTool lets the LLM end the call.
type EndCallTool struct {
	Enabled       bool     `json:"enabled"`
	Scenarios     []string `json:"scenarios" check:"maxitems=50,maxlen=500"`
	CustomMessage *string  `json:"custom_message" check:"maxlen=1000"`
}

// TransferCallTool lets the LLM hand the caller to a human.
type TransferCallTool struct {
	Enabled            bool     `json:"enabled"`
	Scenarios          []string `json:"scenarios" check:"maxitems=50,maxlen=500"`
	TransferNumbers    []string `json:"transfer_numbers" check:"e164,maxitems=20"`
	CustomMessage      *string  `json:"custom_message" check:"maxlen=1000"`
	TransferType       string   `json:"transfer_type" check:"enum=cold|warm"`
	AgentConfirmation  bool     `json:"agent_confirmation"`
	UnavailableMessage *string  `json:"unavailable_message" check:"maxlen=1000"`
}

// DTMFSolverTool lets the LLM send DTMF digits to navigate IVRs.
type DTMFSolverTool struct {
	Enabled   bool     `json:"enabled"`
	Scenarios []string `json:"scenarios" check:"maxitems=50,maxlen=500"`
}

// SendSMSTool lets the LLM text the caller.
type SendSMSTool struct {
	Enabled        bool     `json:"enabled"`
	Scenarios      []string `json:"scenarios" check:"maxitems=50,maxlen=500"`
	DefaultMessage *string  `json:"default_message" check:"maxlen=1600"`
}

// CustomTool is an HTTP endpoint offered to the LLM as a function; its
// parameters are a JSON Schema object.
type CustomTool struct {
	Name        string `json:"name" check:"required,toolname"`
	Description string `json:"description" check:"required,maxlen=2000"`
	// URL is the tool's endpoint; "" sends its calls to the assistant's
	// VoiceDock webhook as tool-calls (Config.ToolCallsWebhook).
	URL            string            `json:"url" check:"url,omitempty"`
	Method         string            `json:"method" check:"enum=GET|POST|PUT|PATCH|DELETE"`
	Headers        map[string]string `json:"headers" check:"maxitems=50"`
	Parameters     map[string]any    `json:"parameters" check:"jsonschema"`
	TimeoutSeconds float64           `json:"timeout_seconds" check:"min=0.5,max=60"`
	Enabled        bool              `json:"enabled"`
	Scenarios      []string          `json:"scenarios" check:"maxitems=50,maxlen=500"`
}

// RAGSettings configure retrieval from the assistant's documents.
type RAGSettings struct {
	Enabled             bool    `json:"enabled"`
	RAGInjectBeforeLLM  bool    `json:"rag_inject_before_llm"`
	SearchLimit         int     `json:"search_limit" check:"min=1,max=50"`
	SimilarityThreshold float64 `json:"similarity_threshold" check:"min=0,max=1"`
	EmbeddingModel      string  `json:"embedding_model" check:"maxlen=200"`
	ChunkingStrategy    string  `json:"chunking_strategy" check:"enum=recursive|fixed|sentence|paragraph"`
	ChunkSize           int     `json:"chunk_size" check:"min=100,max=20000"`
	ChunkOverlap        int     `json:"chunk_overlap" check:"min=0,max=10000"`
	AutoProcess         bool    `json:"auto_process"`
	IncludeMetadata     bool    `json:"include_metadata"`
	ContextWindowTokens int     `json:"context_window_tokens" check:"min=100,max=1000000"`
	// KnowledgeBaseID attaches one of the organization's knowledge bases
	// (Famulor's knowledgebase_id): calls search it instead of the
	// assistant's own documents. nil: the assistant's own.
	KnowledgeBaseID *int64 `json:"knowledge_base_id" check:"min=1"`
}

// LLMFallbackSettings list the providers tried, in order, when the primary fails.
type LLMFallbackSettings struct {
	Enabled   bool          `json:"enabled"`
	Fallbacks []LLMFallback `json:"fallbacks" check:"maxitems=10"`
}

// LLMFallback is one fallback provider.
type LLMFallback struct {
	Provider string  `json:"provider" check:"required,enum=openai|azure|anthropic|gemini|xai|groq|custom"`
	APIKey   *string `json:"api_key" check:"maxlen=4096"`
	BaseURL  *string `json:"base_url" check:"url"`
	Model    *string `json:"model" check:"maxlen=200"`
}

// STTFallbackSettings list the recognisers a call falls over to, in order,
// when the one it uses cannot connect or stays down. A fallback recognises
// with stt_settings (language, punctuation, its provider's …_config) under
// its own provider and model; its key is found like any provider's
// (api_keys, the organization's, the environment's), never the primary's
// provider_config.
type STTFallbackSettings struct {
	Enabled   bool          `json:"enabled"`
	Fallbacks []STTFallback `json:"fallbacks" check:"maxitems=5"`
}

// STTFallback is one fallback recogniser.
type STTFallback struct {
	Provider string `json:"provider" check:"required,enum=deepgram|soniox|speechmatics|elevenlabs"`
	Model    string `json:"model" check:"required,maxlen=100"`
}

// Recognisers are the recognition settings a call may use, in order: the
// configured one, then each enabled fallback.
func (c *Config) Recognisers() []STTSettings {
	out := []STTSettings{c.STTSettings}
	if !c.STTFallbackProviders.Enabled {
		return out
	}
	for _, f := range c.STTFallbackProviders.Fallbacks {
		s := c.STTSettings
		s.Provider, s.Model, s.ProviderConfig = f.Provider, f.Model, nil
		out = append(out, s)
	}
	return out
}

// BackchannelSettings enable short acknowledgements during long caller turns.
type BackchannelSettings struct {
	Enabled   bool `json:"enabled"`
	Frequency int  `json:"frequency" check:"min=1,max=5"`
}

// RecordingSettings choose which tracks are recorded, how, and the disclosure.
type RecordingSettings struct {
	Enabled               bool    `json:"enabled"`
	Format                string  `json:"format" check:"enum=mp3|wav"`
	SampleRate            int     `json:"sample_rate" check:"oneof=8000|16000|22050|24000|44100|48000"`
	Channels              int     `json:"channels" check:"min=1,max=2"`
	RecordUserAudio       bool    `json:"record_user_audio"`
	RecordAssistantAudio  bool    `json:"record_assistant_audio"`
	RecordMixedAudio      bool    `json:"record_mixed_audio"`
	RecordUserOnlyTrack   bool    `json:"record_user_only_track"`
	AutoSave              bool    `json:"auto_save"`
	RecordingsDir         string  `json:"recordings_dir" check:"required,relpath"`
	CreateDatabaseRecords bool    `json:"create_database_records"`
	DisclosureEnabled     bool    `json:"disclosure_enabled"`
	DisclosureMessage     *string `json:"disclosure_message" check:"maxlen=1000"`
	DisclosureMode        string  `json:"disclosure_mode" check:"enum=every_call|first_call_only"`
	// ConsentRequired gates the call on the caller's agreement to be
	// recorded: they hear ConsentMessage and press 1 to agree or 2 to hang
	// up; nothing they say is heard, transcribed or recorded before.
	ConsentRequired bool    `json:"consent_required"`
	ConsentMessage  *string `json:"consent_message" check:"maxlen=1000"`
}

// TwilioConfig holds the assistant's own Twilio credentials.
type TwilioConfig struct {
	AccountSID *string `json:"account_sid" check:"maxlen=64"`
	AuthToken  *string `json:"auth_token" check:"maxlen=4096"`
}

// TelnyxConfig holds the assistant's own Telnyx credentials.
type TelnyxConfig struct {
	APIKey       *string `json:"api_key" check:"maxlen=4096"`
	ConnectionID *string `json:"connection_id" check:"maxlen=64"`
}
