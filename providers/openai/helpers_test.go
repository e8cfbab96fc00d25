package openai

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "sk-test-0123456789"

func startFake(t *testing.T, opts openaifake.Options) *openaifake.Server {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	return faketest.Start(t, openaifake.Start, opts)
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Provider == "" {
		cfg.Provider = "openai"
	}
	if cfg.Model == "" {
		cfg.Model = "gpt-4o-mini"
	}
	if cfg.APIKey == "" && cfg.Provider != "custom" {
		cfg.APIKey = testKey
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func settings() assistant.LLMSettings {
	s := assistant.Defaults().LLMSettings
	return s
}

func userRequest(text string) voice.LLMRequest {
	return voice.LLMRequest{
		Messages: []voice.Message{{Role: voice.RoleSystem, Content: "You are terse."}, {Role: voice.RoleUser, Content: text}},
		Settings: settings(),
	}
}
