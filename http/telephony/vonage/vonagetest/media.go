package vonagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/vonage"
)

type media struct {
	sock   *phone.Socket
	cancel context.CancelFunc
}

// stream runs an NCCO websocket until the engine closes it or the call
// moves on; Vonage sends no stop message, it closes the socket.
func (c *Call) stream(uri, contentType string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ws, resp, err := c.cloud.Upgrade(ctx, uri)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		c.end("failed")
		return
	}
	m := &media{sock: phone.NewSocket(ws, wire{}, c.Phone), cancel: cancel}
	c.mu.Lock()
	if c.over() {
		c.mu.Unlock()
		ws.Close()
		return
	}
	c.cur = m
	c.streams++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.cur == m {
			c.cur = nil
		}
		c.mu.Unlock()
	}()
	connected, _ := json.Marshal(map[string]string{"event": "websocket:connected", "content-type": contentType})
	if m.sock.Send(func() (int, []byte) { return websocket.TextMessage, connected }) != nil {
		c.end("failed")
		ws.Close()
		return
	}
	c.answeredNow()
	m.sock.Serve(ctx, c.cloud.cfg.Pace, nil)
	c.mu.Lock()
	c.violations = append(c.violations, m.sock.Violations()...)
	c.mu.Unlock()
}

func dtmfEvent(digit string) (int, []byte) {
	b, _ := json.Marshal(map[string]any{"event": "websocket:dtmf", "digit": digit, "duration": 260})
	return websocket.TextMessage, b
}

// wire is Vonage's websocket dialect, Vonage's side: PCM16 at 16 kHz in
// binary frames, events in text.
type wire struct{}

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
