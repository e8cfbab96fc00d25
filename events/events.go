// Package events defines what a call reports as it happens: turns,
// transcripts, interruptions, backchannels, tool calls, stage timings and
// the call's start and end. The call actor publishes them; persistence,
// metrics, webhooks and live listeners consume them.
package events

import (
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// Event is one thing that happened on a call.
type Event interface {
	// Kind names the event in logs, APIs and the database.
	Kind() string
}

// Sink receives a call's events. Publish must not block: the call actor
// calls it on its hot path.
type Sink interface {
	Publish(callID string, at time.Time, e Event)
}

// Speaker of a transcript.
type Speaker string

// Speakers.
const (
	Caller    Speaker = "user"
	Assistant Speaker = "assistant"
)

// CallStarted opens a call's event stream with what a call record needs.
type CallStarted struct {
	OrganizationID int64
	AssistantID    int64
	ConfigVersion  int
	From, To       string                // E.164 where the carrier gives it
	Direction      string                // inbound or outbound
	Carrier        string                // twilio, telnyx, vonage, plivo or web
	Webhook        assistant.CallWebhook // where and how its webhooks go; no URL: none
	// Private: the assistant is in GDPR mode. The customer's number is
	// masked here already, and what is said is not kept after the call.
	Private bool
}

// CallEnded closes it. Reason is one of the EndReason values.
type CallEnded struct {
	Reason   string
	Duration time.Duration
	// Recording: the call's recording is being finished, and its files
	// follow (the end-of-call report waits for them).
	Recording bool
}

// Why calls end.
const (
	EndCallerHungUp  = "customer-ended-call"
	EndAssistantTool = "assistant-ended-call"
	EndTransferred   = "call-transferred"
	EndMaxDuration   = "exceeded-max-duration"
	EndIdle          = "silence-timed-out"
	EndTerminated    = "terminated-by-api"
	EndShutdown      = "server-shutdown"
	EndError         = "pipeline-error"
	EndMalformed     = "malformed-carrier-frame"
	EndNoCapacity    = "provider-capacity-exhausted"
	// A provider stream stayed down past what the call can bridge.
	EndRecognitionFailed = "pipeline-error-transcriber-failed"
	EndSynthesisFailed   = "pipeline-error-voice-failed"
	// The recording-consent gate: the caller pressed 2, or no key at all.
	EndConsentDeclined   = "customer-declined-recording"
	EndConsentUnanswered = "customer-did-not-consent"
	EndVoicemail         = "voicemail"
	EndCallerPhrase      = "customer-said-end-phrase"

	// The carrier did not take the transfer the assistant asked for (its
	// API failed; the trunk refused the REFER, or the target was busy or
	// did not answer): the caller was hung up on.
	EndTransferFailed = "call-transfer-failed"
	// The assistant's webhook rejected the inbound call (VoiceDock's
	// assistant-request answered with an error to say).
	EndRejected = "assistant-request-rejected"
	// The engine process running the call stopped (kill -9, a drain that ran
	// out of time) before the call ended: closed at an engine's start-up, or
	// when the carrier reported the call's end.
	EndEngineRestarted = "engine-restarted"
	EndEngineGone      = "engine-gone-carrier-ended"
	// The engine process running the call left its cluster (died: its
	// membership lease ran out) before the call ended: closed by a member
	// still in the cluster.
	EndEngineLeftCluster = "engine-gone-left-cluster"
)

// Transcript is caller or assistant speech as text. Assistant transcripts
// hold what the caller actually heard.
type Transcript struct {
	Speaker    Speaker
	Text       string
	Final      bool
	Confidence float64
	Start, End time.Duration // from the start of the call
}

// CallerSpeechStarted marks the caller starting to speak.
type CallerSpeechStarted struct{}

// TurnCommitted is the caller's turn ending: what they said, and the
// configuration version the reply uses.
type TurnCommitted struct {
	Turn          int
	Text          string
	ConfigVersion int
}

// ReplyStarted is the assistant beginning a reply.
type ReplyStarted struct {
	Turn        int
	Speculative bool
	Source      string // llm, welcome, idle, end_call, transfer, disclosure, error
}

// ReplyFinished is a reply ending, played fully or cut by the caller.
type ReplyFinished struct {
	Turn        int
	Heard       string // the words the caller heard
	Interrupted bool
}

// Interruption stages.
const (
	InterruptionTentative = "tentative"
	InterruptionConfirmed = "confirmed"
	InterruptionRecovered = "recovered"
)

// Interruption is a step of a barge-in.
type Interruption struct {
	Turn   int
	Stage  string
	Reason string
}

// Backchannel is an acknowledgement played during the caller's turn.
type Backchannel struct{ Phrase string }

// ToolCalled is a tool the model called and its outcome.
type ToolCalled struct {
	Turn      int
	Name      string
	Arguments string
	Result    string
	Error     string
	Duration  time.Duration
}

// Speculation is the outcome of a reply started before the caller's turn
// was final.
type Speculation struct {
	Turn       int
	Hit        bool
	Similarity float64
}

// StageTimings break a reply's latency down from the end of the caller's
// turn; zero means the stage did not happen.
type StageTimings struct {
	Turn          int
	LLMFirstToken time.Duration
	TTSFirstChunk time.Duration // the first speakable text sent to synthesis
	TTSFirstAudio time.Duration
	FirstFrameOut time.Duration
	Speculative   bool
	ConfigVersion int
	LLMProvider   string
	LLMFallback   bool
	TTSProvider   string
}

// ConfigApplied is a configuration change taking effect at a turn boundary.
type ConfigApplied struct{ Version int }

// ProviderError is a provider failing; Recovered says the call went on.
type ProviderError struct {
	Service   string // stt, llm or tts
	Provider  string
	Error     string
	Recovered bool
}

// IdlePrompt is the assistant prompting a silent caller; Generated: the
// model wrote it.
type IdlePrompt struct {
	Count     int
	Generated bool
}

// StageChanged is the call moving around its conversation proper:
// screening for a machine, asking for consent, awaiting the caller,
// conversing, leaving a voicemail message.
type StageChanged struct{ Stage string }

// Consent is the caller's answer to the recording-consent question:
// agreed, declined or no-answer, after the message was said Asked times.
type Consent struct {
	Decision string
	Asked    int
}

// AnsweredBy is who answered the call, human or machine, the signal the
// decision rests on, and how long after the answer it was made.
type AnsweredBy struct {
	Who    string
	Signal string
	After  time.Duration
}

// Filler is a short phrase played while a late reply was prepared.
type Filler struct {
	Phrase   string
	TurnKind string // neutral, positive, negative or question
}

// AssistantTransferred is the call handed to another assistant; Error
// says why it could not be.
type AssistantTransferred struct {
	From, To int64
	Error    string
}

// CallerEndPhrase is the caller saying one of the assistant's end-call
// phrases.
type CallerEndPhrase struct{ Phrase string }

// History is the conversation as the model sees it, published whole at
// every turn boundary and at the end; only the last one of a call matters.
type History struct {
	Messages []voice.Message
}

// DTMF is a touch-tone digit, from the caller or sent by the assistant.
type DTMF struct {
	Digits string
	Sent   bool
}

// Kind implementations.
func (CallStarted) Kind() string          { return "call-started" }
func (CallEnded) Kind() string            { return "call-ended" }
func (Transcript) Kind() string           { return "transcript" }
func (CallerSpeechStarted) Kind() string  { return "speech-started" }
func (TurnCommitted) Kind() string        { return "turn" }
func (ReplyStarted) Kind() string         { return "reply-started" }
func (ReplyFinished) Kind() string        { return "reply-finished" }
func (Interruption) Kind() string         { return "interruption" }
func (Backchannel) Kind() string          { return "backchannel" }
func (ToolCalled) Kind() string           { return "tool-call" }
func (Speculation) Kind() string          { return "speculation" }
func (StageTimings) Kind() string         { return "stage-timings" }
func (ConfigApplied) Kind() string        { return "config-applied" }
func (ProviderError) Kind() string        { return "provider-error" }
func (IdlePrompt) Kind() string           { return "idle-prompt" }
func (DTMF) Kind() string                 { return "dtmf" }
func (History) Kind() string              { return "history" }
func (StageChanged) Kind() string         { return "stage" }
func (Consent) Kind() string              { return "consent" }
func (AnsweredBy) Kind() string           { return "answered-by" }
func (Filler) Kind() string               { return "filler" }
func (AssistantTransferred) Kind() string { return "assistant-transfer" }
func (CallerEndPhrase) Kind() string      { return "end-phrase" }
