package assistant

// DefaultIdleMessage is Burki's documented idle prompt.
const DefaultIdleMessage = "Are you still there? I'm here to help if you need anything."

// Defaults returns a configuration holding every default of the seed schema.
// An explicit null in a write resets a field to its value here.
func Defaults() Config {
	idle := DefaultIdleMessage
	tts, stt := 500, 500
	flux := FluxConfig{EOTTimeoutMS: 5005, EagerEOTThreshold: 0.6, EOTThreshold: 0.7, LanguageHints: []string{}}
	return Config{
		LLMProvider: "openai",
		LLMProviderConfig: LLMProviderConfig{
			Model:        "gpt-4o-mini",
			CustomConfig: map[string]any{},
		},
		LLMSettings: LLMSettings{
			Temperature:   0.5,
			MaxTokens:     1000,
			SystemPrompt:  "You are a helpful assistant that can answer questions and help with tasks.",
			TopP:          1,
			StopSequences: []string{},
		},
		InterruptionSettings: presets[""],
		TTSSettings: TTSSettings{
			Provider:        "elevenlabs",
			VoiceID:         "rachel",
			ModelID:         "turbo",
			Latency:         1,
			Stability:       0.5,
			SimilarityBoost: 0.75,
			Speed:           1,
			Volume:          1,
			UseSpeakerBoost: true,
			ProviderConfig:  map[string]any{},
			BackgroundSound: BackgroundSound{Volume: 0.3, Loop: true},
			Pronunciation:   []PronunciationRule{},
		},
		STTSettings: STTSettings{
			Provider:       "deepgram",
			Model:          "nova-2",
			Language:       "en-US",
			Punctuate:      true,
			InterimResults: true,
			Endpointing:    Endpointing{SilenceThreshold: 500, MinSilenceDuration: 500},
			UtteranceEndMS: 1000,
			SmartFormat:    true,
			Keywords:       []Keyword{},
			Keyterms:       []string{},
			FluxConfig:     flux,
			ElevenLabsConfig: ElevenLabsSTT{
				CommitStrategy:               "vad",
				VADThreshold:                 0.5,
				VADSilenceThresholdSecs:      0.8,
				MinSpeechDurationMS:          100,
				MinSilenceDurationMS:         250,
				ManualCommitSilenceSecs:      1.5,
				ManualCommitShortSilenceSecs: 0.8,
			},
			SpeechmaticsConfig: SpeechmaticsConfig{
				Region:                        "us",
				MaxDelay:                      1,
				EnablePartials:                true,
				RemoveDisfluencies:            true,
				SpeakerDiarizationMaxSpeakers: 2,
				AdditionalVocab:               []string{},
				UtteranceSilenceTimeout:       1,
			},
			SonioxConfig: SonioxConfig{
				LanguageHints:           []string{},
				EnableEndpointDetection: true,
				MaxEndpointDelayMS:      2000,
				ContextTerms:            []string{},
				ContextGeneral:          []map[string]any{},
				ContextTranslationTerms: []map[string]any{},
				NumChannels:             1,
				UtteranceSilenceTimeout: 1,
			},
			SpeculativeConfig: SpeculativeConfig{
				SpeculativeStreamToTTS:         true,
				SpeculativeDebounceMS:          300,
				SpeculativeMinWords:            3,
				SpeculativeSimilarityThreshold: 0.85,
			},
			UtteranceTimeoutSeconds: 2.65,
			ProviderConfig:          map[string]any{},
			EnglishFluxConfig:       flux,
		},
		IdleMessage:                   &idle,
		ConversationContinuityEnabled: true,
		ToolsSettings: ToolsSettings{
			EnabledTools:      []string{},
			EndCall:           EndCallTool{Scenarios: []string{}},
			TransferCall:      TransferCallTool{Scenarios: []string{}, TransferNumbers: []string{}, TransferType: "cold"},
			DTMFSolver:        DTMFSolverTool{Scenarios: []string{}},
			SendSMS:           SendSMSTool{Scenarios: []string{}},
			CustomTools:       []CustomTool{},
			CollectKeypad:     CollectKeypadTool{Scenarios: []string{}, TimeoutSeconds: 5, StopKey: "#"},
			AssistantTransfer: AssistantTransferTool{Scenarios: []string{}, Targets: []AssistantTransfer{}},
		},
		RAGSettings: RAGSettings{
			SearchLimit:         3,
			SimilarityThreshold: 0.7,
			EmbeddingModel:      "text-embedding-3-small",
			ChunkingStrategy:    "recursive",
			ChunkSize:           1000,
			ChunkOverlap:        200,
			AutoProcess:         true,
			IncludeMetadata:     true,
			ContextWindowTokens: 4000,
		},
		LLMFallbackProviders: LLMFallbackSettings{Fallbacks: []LLMFallback{}},
		STTFallbackProviders: STTFallbackSettings{Fallbacks: []STTFallback{}},
		BypassNumbers:        []string{},
		CustomSettings:       map[string]any{},
		IsActive:             true,
		BackchannelSettings:  BackchannelSettings{Frequency: 3},
		RecordingSettings: RecordingSettings{
			Enabled:               true,
			Format:                "mp3",
			SampleRate:            8000,
			Channels:              1,
			RecordUserAudio:       true,
			RecordAssistantAudio:  true,
			RecordMixedAudio:      true,
			RecordUserOnlyTrack:   true,
			AutoSave:              true,
			RecordingsDir:         "recordings",
			CreateDatabaseRecords: true,
			DisclosureMode:        "every_call",
		},
		CallFlowSettings: CallFlowSettings{RingingTimeoutSeconds: 30, EndCallPhrases: []string{}, Timezone: "UTC", Direction: "any"},
		SilenceSettings:  SilenceSettings{Messages: []string{}},
		FillerSettings: FillerSettings{AfterMS: 900, Positive: []string{}, Negative: []string{}, Question: []string{},
			Neutral: []string{}},
		VoicemailSettings: VoicemailSettings{Detection: "off"},
		AnalysisSettings: AnalysisSettings{
			Summary:            AnalysisStep{Enabled: true},
			StructuredData:     StructuredDataPlan{Schema: map[string]any{"type": "object", "properties": map[string]any{}}, Messages: []AnalysisMessage{}},
			MinMessages:        2,
			WebhookWaitSeconds: 60,
		},
		WebhookSettings: WebhookSettings{Enabled: true, Format: "switchboard", Reports: "answered", IncludeRecording: true},
		Variables:       map[string]string{},
		APIKeys:         map[string]string{},
		TTSLimit:        &tts,
		STTLimit:        &stt,
	}
}

// customToolDefaults fill the fields a custom tool may omit.
func customToolDefaults() CustomTool {
	return CustomTool{
		Method:         "POST",
		Headers:        map[string]string{},
		Parameters:     map[string]any{"type": "object", "properties": map[string]any{}},
		TimeoutSeconds: 10,
		Enabled:        true,
		Scenarios:      []string{},
	}
}
