package telnyxtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
)

// stream runs the media websocket the engine asked for, until the engine
// closes it or the call ends; onStart runs once it started.
func (c *Call) stream(url, token string, onStart func()) {
	c.Stream(carriertest.Stream{
		Upgrade: func(ctx context.Context) (*websocket.Conn, *http.Response, error) {
			return c.cloud.Upgrade(ctx, url, token)
		},
		Wire: func() carriertest.Wire {
			return &wire{id: carriertest.Hex(16), call: c, start: time.Now(), shuffle: c.cloud.cfg.Shuffle}
		},
		Pace:    c.cloud.cfg.Pace,
		Fail:    func(error) { c.end("unspecified") },
		Started: onStart,
	})
}

// wire is Telnyx's media dialect, Telnyx's side.
type wire struct {
	id         string
	call       *Call
	start      time.Time
	seq, chunk int
	shuffle    bool
	held       []byte // a media message held back to be sent out of order
}

func (w *wire) msg(v map[string]any) (int, []byte) {
	w.seq++
	v["sequence_number"] = strconv.Itoa(w.seq)
	v["stream_id"] = w.id
	b, _ := json.Marshal(v)
	return websocket.TextMessage, b
}

func (w *wire) connected() (int, []byte) {
	return websocket.TextMessage, []byte(`{"event":"connected","version":"1.0.0"}`)
}

// Open implements carriertest.Wire.
func (w *wire) Open() []func() (int, []byte) { return []func() (int, []byte){w.connected, w.startMsg} }

func (w *wire) startMsg() (int, []byte) {
	c := w.call
	return w.msg(map[string]any{"event": "start", "start": map[string]any{
		"user_id": carriertest.Hex(8), "call_control_id": c.ID, "call_session_id": c.session, "from": c.From, "to": c.To,
		"tags": []string{}, "client_state": c.clientState(), "custom_parameters": map[string]string{},
		"media_format": map[string]any{"encoding": "PCMU", "sample_rate": 8000, "channels": 1}}})
}

// Stop implements carriertest.Wire.
func (w *wire) Stop() func() (int, []byte) { return w.stop }

func (w *wire) stop() (int, []byte) {
	return w.msg(map[string]any{"event": "stop", "stop": map[string]string{"user_id": "u", "call_control_id": w.call.ID}})
}

// DTMF implements carriertest.Wire.
func (w *wire) DTMF(digit string) (int, []byte) {
	return w.msg(map[string]any{"event": "dtmf", "dtmf": map[string]string{"digit": digit}})
}

// Media implements phone.Wire. Shuffling, frames go out one frame late,
// and every seventh pair is swapped.
func (w *wire) Media(frame []byte) (int, []byte) {
	w.chunk++
	_, b := w.msg(map[string]any{"event": "media", "media": map[string]string{
		"track": "inbound", "chunk": strconv.Itoa(w.chunk),
		"timestamp": strconv.FormatInt(time.Since(w.start).Milliseconds(), 10),
		"payload":   base64.StdEncoding.EncodeToString(frame)}})
	if !w.shuffle {
		return websocket.TextMessage, b
	}
	switch {
	case w.held == nil:
		w.held = b
		return websocket.TextMessage, nil
	case w.chunk%7 == 0:
		return websocket.TextMessage, b // ahead of the held one
	}
	out := w.held
	w.held = b
	return websocket.TextMessage, out
}

// Played implements phone.Wire.
func (w *wire) Played(name string) (int, []byte) {
	return w.msg(map[string]any{"event": "mark", "mark": map[string]string{"name": name}})
}

// Cleared implements phone.Wire: pending marks are reported.
func (w *wire) Cleared(pending []string) [][]byte {
	var out [][]byte
	for _, name := range pending {
		_, b := w.Played(name)
		out = append(out, b)
	}
	return out
}

// Parse implements phone.Wire.
func (w *wire) Parse(mt int, b []byte) (phone.Message, error) {
	if mt != websocket.TextMessage {
		return phone.Message{}, errors.New("binary message")
	}
	var msg struct {
		Event string `json:"event"`
		Media struct {
			Payload string `json:"payload"`
		} `json:"media"`
		Mark struct {
			Name string `json:"name"`
		} `json:"mark"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		return phone.Message{}, errors.New("bad JSON")
	}
	switch msg.Event {
	case "media":
		audio, err := base64.StdEncoding.DecodeString(msg.Media.Payload)
		if err != nil {
			return phone.Message{}, errors.New("bad payload")
		}
		return phone.Message{Kind: phone.MessageAudio, Audio: audio}, nil
	case "mark":
		return phone.Message{Kind: phone.MessageMark, Name: msg.Mark.Name}, nil
	case "clear":
		return phone.Message{Kind: phone.MessageClear}, nil
	}
	return phone.Message{}, errors.New("unsupported event " + msg.Event)
}
