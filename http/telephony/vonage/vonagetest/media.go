package vonagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/vonage"
)

// stream runs an NCCO websocket until the engine closes it or the call
// moves on; Vonage sends no stop message, it closes the socket.
func (c *Call) stream(uri, contentType string) {
	c.Stream(carriertest.Stream{
		Upgrade: func(ctx context.Context) (*websocket.Conn, *http.Response, error) { return c.cloud.Upgrade(ctx, uri) },
		Wire:    func() carriertest.Wire { return wire{contentType: contentType} },
		Pace:    c.cloud.cfg.Pace,
		Fail:    func(error) { c.end("failed") },
	})
}

// wire is Vonage's websocket dialect, Vonage's side: PCM16 at 16 kHz in
// binary frames, events in text.
type wire struct{ contentType string }

// Open implements carriertest.Wire.
func (w wire) Open() []func() (int, []byte) {
	return []func() (int, []byte){func() (int, []byte) {
		b, _ := json.Marshal(map[string]string{"event": "websocket:connected", "content-type": w.contentType})
		return websocket.TextMessage, b
	}}
}

// DTMF implements carriertest.Wire: a websocket:dtmf event.
func (wire) DTMF(digit string) (int, []byte) {
	b, _ := json.Marshal(map[string]any{"event": "websocket:dtmf", "digit": digit, "duration": 260})
	return websocket.TextMessage, b
}

// Stop implements carriertest.Wire: Vonage just closes the socket.
func (wire) Stop() func() (int, []byte) { return nil }

// Media implements phone.Wire.
func (wire) Media(frame []byte) (int, []byte) {
	return websocket.BinaryMessage, fakespeech.Widen(frame, vonage.Format)
}

// Played implements phone.Wire: the notify's payload comes back.
func (wire) Played(name string) (int, []byte) {
	b, _ := json.Marshal(map[string]any{"event": "websocket:notify", "payload": map[string]string{"mark": name}})
	return websocket.TextMessage, b
}

// Cleared implements phone.Wire.
func (wire) Cleared([]string) [][]byte {
	return [][]byte{[]byte(`{"event":"websocket:cleared"}`)}
}

// Parse implements phone.Wire.
func (wire) Parse(mt int, b []byte) (phone.Message, error) {
	if mt == websocket.BinaryMessage {
		if len(b) != vonage.Format.FrameBytes() {
			return phone.Message{}, fmt.Errorf("audio frame of %d bytes, want %d", len(b), vonage.Format.FrameBytes())
		}
		return phone.Message{Kind: phone.MessageAudio, Audio: fakespeech.Narrow(b, vonage.Format)}, nil
	}
	var msg struct {
		Action  string `json:"action"`
		Payload struct {
			Mark string `json:"mark"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		return phone.Message{}, errors.New("bad JSON")
	}
	switch msg.Action {
	case "notify":
		return phone.Message{Kind: phone.MessageMark, Name: msg.Payload.Mark}, nil
	case "clear":
		return phone.Message{Kind: phone.MessageClear}, nil
	}
	return phone.Message{}, errors.New("unsupported action " + msg.Action)
}
