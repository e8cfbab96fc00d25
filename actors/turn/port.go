package turn

import (
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// Port is how the machine acts on the world. The call actor implements it
// by driving the carrier and the provider streams; tests record the calls.
// Every method returns at once: the work happens elsewhere, and its results
// come back as inputs to the machine tagged with the reply's ReplyID, so
// that results of a reply that has ended are recognised and dropped.
//
// Audio is not pushed through the port: the call's outbound clock pulls
// each frame from the machine (Machine.NextFrame).
type Port interface {
	// The caller's line.
	ClearAudio() // drop what the carrier has queued
	SendDTMF(digits string)
	HangUp(reason string)
	Transfer(to string)

	// Recognition.
	FinalizeSTT()

	// A reply: the model's generation and its speech. Every OpenSpeech is
	// followed by an EndSpeech or a CancelSpeech.
	StartLLM(id ReplyID, messages []voice.Message)
	CancelLLM(id ReplyID)
	OpenSpeech(id ReplyID)
	Speak(id ReplyID, text string)
	EndSpeech(id ReplyID)
	CancelSpeech(id ReplyID)

	// ShortPhrase synthesises a short phrase (an acknowledgement, a filler);
	// its audio comes back through Machine.ShortPhraseAudio.
	ShortPhrase(phrase string)

	// HandOver loads the configuration of the assistant a call is handed
	// to; it comes back through Machine.ChangeConfig, or
	// Machine.HandoverFailed.
	HandOver(assistantID int64)

	// RunTool executes a tool call other than the built-in call controls;
	// its result comes back through Machine.ToolResult.
	RunTool(id ReplyID, call voice.ToolCall)

	// ApplyConfig says that a configuration given to Machine.ChangeConfig
	// applies from now on: the port switches what it drives (the model,
	// the tools, streams whose settings changed).
	ApplyConfig(s Settings)

	// Publish reports what happened, for the call's records, metrics and
	// listeners. It is telemetry: nothing the machine needs goes through it.
	Publish(e events.Event)
}
