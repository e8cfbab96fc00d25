package aura

import (
	"encoding/json"
	"fmt"
)

// Client messages.
var (
	flushMessage = []byte(`{"type":"Flush"}`)
	clearMessage = []byte(`{"type":"Clear"}`)
	closeMessage = []byte(`{"type":"Close"}`)
)

func speakMessage(text string) []byte {
	b, _ := json.Marshal(struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}{"Speak", text})
	return b
}

// control is a text message from the service: Metadata, Flushed, Cleared,
// Warning (and Error, which /v2/speak sends and is accepted here too).
// Audio comes in binary messages, so these are rare and decoded with
// encoding/json.
type control struct {
	Type        string `json:"type"`
	SequenceID  *int   `json:"sequence_id"`
	Description string `json:"description"`
	Code        string `json:"code"`
	Message     string `json:"message"`
}

func parseControl(data []byte) (control, error) {
	var c control
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	return c, nil
}

// text is the service's explanation in a Warning or Error.
func (c control) text() string {
	d := c.Description
	if d == "" {
		d = c.Message
	}
	return c.Code + ": " + d
}
