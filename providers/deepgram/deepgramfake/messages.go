package deepgramfake

// Server messages, shaped as in Deepgram's AsyncAPI spec.

type resultsMsg struct {
	Type         string          `json:"type"`
	ChannelIndex []int           `json:"channel_index"`
	Duration     float64         `json:"duration"`
	Start        float64         `json:"start"`
	IsFinal      bool            `json:"is_final"`
	SpeechFinal  bool            `json:"speech_final"`
	FromFinalize bool            `json:"from_finalize"`
	Channel      resultsChannel  `json:"channel"`
	Metadata     resultsMetadata `json:"metadata"`
	Entities     *[]struct{}     `json:"entities,omitempty"` // detect_entities: finals only
}

type resultsChannel struct {
	Alternatives []alternative `json:"alternatives"`
}

type alternative struct {
	Transcript string     `json:"transcript"`
	Confidence float64    `json:"confidence"`
	Words      []wordJSON `json:"words"`
}

type wordJSON struct {
	Word           string  `json:"word"`
	Start          float64 `json:"start"`
	End            float64 `json:"end"`
	Confidence     float64 `json:"confidence"`
	PunctuatedWord string  `json:"punctuated_word,omitempty"`
	Speaker        *int    `json:"speaker,omitempty"`
}

type resultsMetadata struct {
	RequestID string    `json:"request_id"`
	ModelInfo modelInfo `json:"model_info"`
	ModelUUID string    `json:"model_uuid"`
}

type modelInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Arch    string `json:"arch"`
}

type utteranceEndMsg struct {
	Type        string  `json:"type"`
	Channel     []int   `json:"channel"`
	LastWordEnd float64 `json:"last_word_end"`
}

type speechStartedMsg struct {
	Type      string  `json:"type"`
	Channel   []int   `json:"channel"`
	Timestamp float64 `json:"timestamp"`
}

type metadataMsg struct {
	Type           string  `json:"type"`
	TransactionKey string  `json:"transaction_key"`
	RequestID      string  `json:"request_id"`
	SHA256         string  `json:"sha256"`
	Created        string  `json:"created"`
	Duration       float64 `json:"duration"`
	Channels       int     `json:"channels"`
}

type connectedMsg struct {
	Type       string `json:"type"`
	RequestID  string `json:"request_id"`
	SequenceID int    `json:"sequence_id"`
}

type turnInfoMsg struct {
	Type                string         `json:"type"`
	RequestID           string         `json:"request_id"`
	SequenceID          int            `json:"sequence_id"`
	Event               string         `json:"event"`
	TurnIndex           int            `json:"turn_index"`
	AudioWindowStart    float64        `json:"audio_window_start"`
	AudioWindowEnd      float64        `json:"audio_window_end"`
	Transcript          string         `json:"transcript"`
	Words               []fluxWordJSON `json:"words"`
	EndOfTurnConfidence float64        `json:"end_of_turn_confidence"`
	Languages           []string       `json:"languages,omitempty"`
	LanguagesHinted     []string       `json:"languages_hinted,omitempty"`
	Trigger             string         `json:"trigger,omitempty"` // EndOfTurn: model, timeout or manual
}

type fluxWordJSON struct {
	Word       string  `json:"word"`
	Confidence float64 `json:"confidence"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
}

type configureSuccessMsg struct {
	Type          string         `json:"type"`
	RequestID     string         `json:"request_id"`
	Thresholds    thresholdsJSON `json:"thresholds"`
	Keyterms      []string       `json:"keyterms"`
	LanguageHints []string       `json:"language_hints,omitempty"`
	SequenceID    int            `json:"sequence_id"`
}

type thresholdsJSON struct {
	EagerEOTThreshold *float64 `json:"eager_eot_threshold,omitempty"`
	EOTThreshold      float64  `json:"eot_threshold"`
	EOTTimeoutMS      int      `json:"eot_timeout_ms"`
}

type configureFailureMsg struct {
	Type       string `json:"type"`
	RequestID  string `json:"request_id"`
	SequenceID int    `json:"sequence_id"`
}

type fluxErrorMsg struct {
	Type        string `json:"type"`
	SequenceID  int    `json:"sequence_id"`
	Code        string `json:"code"`
	Description string `json:"description"`
}
