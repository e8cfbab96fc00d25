package events

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/switchboard-voice/switchboard/voice"
)

// Every kind of event has its own snake_case encoding, not encoding/json's
// fallback with Go field names.
func TestEveryEventHasItsEncoding(t *testing.T) {
	all := []Event{
		CallStarted{From: "+1", To: "+2"}, CallEnded{Reason: EndIdle, Duration: time.Second},
		Transcript{Speaker: Caller, Text: "hi\x00", Final: true}, CallerSpeechStarted{}, TurnCommitted{}, ReplyStarted{},
		ReplyFinished{}, Interruption{}, Backchannel{}, ToolCalled{}, Speculation{}, StageTimings{}, ConfigApplied{},
		ProviderError{}, IdlePrompt{}, History{Messages: []voice.Message{{Role: voice.RoleUser, Content: "x"}}}, DTMF{},
		StageChanged{}, Consent{}, AnsweredBy{}, Filler{}, AssistantTransferred{}, CallerEndPhrase{},
	}
	for _, e := range all {
		b, err := json.Marshal(Data(e))
		if err != nil {
			t.Fatalf("%s: %v", e.Kind(), err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", e.Kind(), err)
		}
		for k := range m {
			if unicode.IsUpper(rune(k[0])) || strings.ContainsAny(k, " ") {
				t.Errorf("%s: field %q", e.Kind(), k)
			}
		}
		if strings.Contains(string(b), `\u0000`) {
			t.Errorf("%s: NUL kept: %s", e.Kind(), b)
		}
	}
}
