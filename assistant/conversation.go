package assistant

// The sections below extend Burki's schema with call behaviours that the
// Famulor and VoiceDock schemas promise. The vendor views translate their
// fields into these; the engine reads only these.

// CallFlowSettings shape how a call starts and ends.
type CallFlowSettings struct {
	// OutboundWelcomeMessage is said first on outbound calls; null: the
	// welcome message.
	OutboundWelcomeMessage *string `json:"outbound_welcome_message" check:"maxlen=2000"`
	// WaitForCaller holds the welcome until the caller's first words.
	WaitForCaller bool `json:"wait_for_caller"`
	// RingingTimeoutSeconds is how long an outbound call rings before it
	// is given up.
	RingingTimeoutSeconds int `json:"ringing_timeout_seconds" check:"min=1,max=60"`
	// EndCallPhrases end the call politely when the caller says one.
	EndCallPhrases []string `json:"end_call_phrases" check:"maxitems=5,maxlen=100"`
	// Timezone is the assistant's IANA time zone, for {{now}} and {{date}}.
	Timezone string `json:"timezone" check:"timezone"`
	// Direction is which calls the assistant is for: any, inbound or
	// outbound (Famulor's type). An inbound assistant places no calls.
	Direction string `json:"direction" check:"enum=any|inbound|outbound"`
}

// SilenceSettings complete the idle prompts (idle_timeout, idle_message,
// max_idle_messages) into a ladder: the first prompt after idle_timeout
// seconds of silence, the next ones every interval, rotating messages or
// prompts the model writes, and a final message before the call ends.
type SilenceSettings struct {
	// IntervalSeconds separates the prompts after the first; null:
	// idle_timeout.
	IntervalSeconds *int `json:"interval_seconds" check:"min=3,max=600"`
	// Messages rotate as the prompts; empty: idle_message.
	Messages []string `json:"messages" check:"maxitems=5,maxlen=300"`
	// ReengagementPrompt, when set, has the model write each prompt,
	// following this instruction, instead of saying a fixed message.
	ReengagementPrompt *string `json:"reengagement_prompt" check:"maxlen=1000"`
	// FinalMessage is said before the call ends for silence; null:
	// end_call_message.
	FinalMessage *string `json:"final_message" check:"maxlen=1000"`
	// MaxSilenceSeconds ends the call after this much unbroken silence,
	// however many prompts were said; null: only max_idle_messages ends it.
	MaxSilenceSeconds *int `json:"max_silence_seconds" check:"min=1,max=3600"`
	// InitialTimeoutSeconds ends the call when the caller has not said a
	// word this long after it started; null: never.
	InitialTimeoutSeconds *int `json:"initial_timeout_seconds" check:"min=1,max=120"`
}

// FillerSettings play a short filler ("Let me see…") when the reply's
// first audio would come late, chosen by what the caller said.
type FillerSettings struct {
	Enabled bool `json:"enabled"`
	// AfterMS is how long after the caller's turn ends a reply may take
	// to start before a filler is played.
	AfterMS int `json:"after_ms" check:"min=200,max=5000"`
	// Phrases per kind of caller turn; empty: built-in phrases.
	Positive []string `json:"positive" check:"maxitems=20,maxlen=100"`
	Negative []string `json:"negative" check:"maxitems=20,maxlen=100"`
	Question []string `json:"question" check:"maxitems=20,maxlen=100"`
	Neutral  []string `json:"neutral" check:"maxitems=20,maxlen=100"`
}

// PronunciationRule replaces text before it is synthesised; transcripts
// and the model's history keep the original.
type PronunciationRule struct {
	From string `json:"from" check:"required,maxlen=64"`
	To   string `json:"to" check:"maxlen=128"`
}

// PrivacySettings restrict what the engine keeps about a call.
type PrivacySettings struct {
	// GDPRMode: no recording; transcripts and messages not kept after the
	// post-call analysis; caller numbers masked in records, logs and
	// webhooks; no conversation continuity. README "GDPR mode" defines it.
	GDPRMode bool `json:"gdpr_mode"`
}

// VoicemailSettings detect an answering machine and act on it.
type VoicemailSettings struct {
	// Detection: off, outbound (outbound calls only) or all.
	Detection string `json:"detection" check:"enum=off|outbound|all"`
	// Message is left after the greeting's beep; null: hang up silently.
	Message *string `json:"message" check:"maxlen=1000"`
	// CarrierDetection also asks the carrier's answering-machine detection
	// where it has one, as a second signal.
	CarrierDetection bool `json:"carrier_detection"`
}

// CollectKeypadTool lets the model ask the caller to type digits: the
// digits pressed until the stop key or a pause come back as its result.
type CollectKeypadTool struct {
	Enabled        bool     `json:"enabled"`
	Scenarios      []string `json:"scenarios" check:"maxitems=50,maxlen=500"`
	TimeoutSeconds int      `json:"timeout_seconds" check:"min=1,max=30"`
	StopKey        string   `json:"stop_key" check:"enum=#|*"`
}

// AssistantTransferTool lets the model hand the call to another assistant
// of the organization: the same call goes on with that assistant's
// configuration.
type AssistantTransferTool struct {
	Enabled   bool                `json:"enabled"`
	Scenarios []string            `json:"scenarios" check:"maxitems=50,maxlen=500"`
	Targets   []AssistantTransfer `json:"targets" check:"maxitems=20"`
}

// AssistantTransfer is one assistant the call may be handed to.
type AssistantTransfer struct {
	AssistantID int64  `json:"assistant_id" check:"min=1"`
	Description string `json:"description" check:"maxlen=500"`
	// Message is said before the handover.
	Message *string `json:"message" check:"maxlen=500"`
	// SpeakGreeting has the new assistant say its welcome.
	SpeakGreeting bool `json:"speak_greeting"`
}

// AnalysisSettings describe what is made of a call once it has ended: a
// summary, data extracted against a JSON Schema, and an evaluation,
// stored with the call and carried by its end-of-call webhook.
type AnalysisSettings struct {
	Summary        AnalysisStep       `json:"summary"`
	StructuredData StructuredDataPlan `json:"structured_data"`
	// Evaluation judges whether the call reached its goal.
	Evaluation AnalysisStep `json:"evaluation"`
	// MinMessages: calls with fewer caller and assistant messages are not
	// analysed.
	MinMessages int `json:"min_messages" check:"min=0,max=1000"`
	// Model runs the analysis on the assistant's provider; null: the
	// assistant's model.
	Model *string `json:"model" check:"maxlen=200"`
	// WebhookWaitSeconds bounds how long the end-of-call webhook waits for
	// the analysis.
	WebhookWaitSeconds int `json:"webhook_wait_seconds" check:"min=0,max=600"`
}

// AnalysisStep is one part of the analysis, with its instruction; null:
// the built-in one.
type AnalysisStep struct {
	Enabled bool    `json:"enabled"`
	Prompt  *string `json:"prompt" check:"maxlen=10000"`
}

// StructuredDataPlan extracts data from the call that validates against
// Schema. Messages, if given, are the prompt, with {{schema}},
// {{transcript}} and {{ended_reason}} filled in.
type StructuredDataPlan struct {
	Enabled  bool              `json:"enabled"`
	Schema   map[string]any    `json:"schema" check:"jsonschema"`
	Messages []AnalysisMessage `json:"messages" check:"maxitems=20"`
}

// AnalysisMessage is one message of an analysis prompt.
type AnalysisMessage struct {
	Role    string `json:"role" check:"required,enum=system|user"`
	Content string `json:"content" check:"required,maxlen=20000"`
}
