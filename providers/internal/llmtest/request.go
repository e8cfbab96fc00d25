package llmtest

import (
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// UserRequest is a system prompt and text from the user, with the
// assistant's default settings.
func UserRequest(text string) voice.LLMRequest {
	return voice.LLMRequest{
		Messages: []voice.Message{{Role: voice.RoleSystem, Content: "You are terse."}, {Role: voice.RoleUser, Content: text}},
		Settings: assistant.Defaults().LLMSettings,
	}
}
