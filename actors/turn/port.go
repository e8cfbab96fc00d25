package turn

import (
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// Port is how the machine acts on the world. The call actor implements it
// by driving the carrier and the provider streams; tests record the calls.
// Every method returns at once: the work happens elsewhere, and results
// come back as inputs to the machine tagged with the same turn number, so
// results of a cancelled turn can be recognised and dropped.
type Port interface {
	// The caller's line.
	SendAudio(frame []byte) // one frame, owned by the port from now on
	SendMark(name string)
	ClearAudio() // drop what the carrier has queued
	SendDTMF(digits string)
	HangUp(reason string)
	Transfer(to string)

	// Recognition.
	FinalizeSTT()

	// A reply: the model's generation and its speech.
	StartLLM(turn int, messages []voice.Message)
	CancelLLM(turn int)
	OpenSpeech(turn int)
	Speak(turn int, text string)
	EndSpeech(turn int)
	CancelSpeech(turn int)

	// Backchannel synthesises a short acknowledgement; its audio comes back
	// through Machine.BackchannelAudio.
	Backchannel(phrase string)

	// RunTool executes a tool call other than the built-in call controls;
	// its result comes back through Machine.ToolResult.
	RunTool(turn int, call voice.ToolCall)

	Publish(e events.Event)
}
