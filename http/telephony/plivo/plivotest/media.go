package plivotest

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

// stream runs a <Stream> until the engine closes it or the call moves on;
// Plivo sends no stop: it closes the socket.
func (c *Call) stream(url string) {
	c.Stream(carriertest.Stream{
		Upgrade: func(ctx context.Context) (*websocket.Conn, *http.Response, error) { return c.cloud.Upgrade(ctx, url) },
		Wire:    func() carriertest.Wire { return &wire{id: carriertest.UUID(), call: c} },
		Pace:    c.cloud.cfg.Pace,
		Fail:    func(error) { c.end() },
	})
}

// wire is Plivo's audio-stream dialect, Plivo's side.
type wire struct {
	id         string
	call       *Call
	seq, chunk int
}

func (w *wire) msg(v map[string]any) (int, []byte) {
	v["sequenceNumber"] = w.seq
	w.seq++
	v["streamId"] = w.id
	b, _ := json.Marshal(v)
	return websocket.TextMessage, b
}

// Open implements carriertest.Wire.
func (w *wire) Open() []func() (int, []byte) { return []func() (int, []byte){w.start} }

// Stop implements carriertest.Wire: Plivo just closes the socket.
func (w *wire) Stop() func() (int, []byte) { return nil }

func (w *wire) start() (int, []byte) {
	return w.msg(map[string]any{"event": "start", "start": map[string]any{"callId": w.call.UUID, "streamId": w.id,
		"accountId": w.call.cloud.cfg.AuthID, "tracks": []string{"inbound"},
		"mediaFormat": map[string]any{"encoding": "audio/x-mulaw", "sampleRate": 8000}}, "extra_headers": "{}"})
}

// DTMF implements carriertest.Wire.
func (w *wire) DTMF(digit string) (int, []byte) {
	return w.msg(map[string]any{"event": "dtmf", "dtmf": map[string]any{"digit": digit, "track": "inbound",
		"timestamp": strconv.FormatInt(time.Now().UnixMilli(), 10)}})
}

// Media implements phone.Wire.
func (w *wire) Media(frame []byte) (int, []byte) {
	w.chunk++
	return w.msg(map[string]any{"event": "media", "media": map[string]any{"track": "inbound",
		"timestamp": strconv.FormatInt(time.Now().UnixMilli(), 10), "chunk": w.chunk,
		"payload": base64.StdEncoding.EncodeToString(frame)}, "extra_headers": "{}"})
}

// Played implements phone.Wire: playedStream for a checkpoint.
func (w *wire) Played(name string) (int, []byte) {
	return w.msg(map[string]any{"event": "playedStream", "name": name})
}

// Cleared implements phone.Wire: clearedAudio; pending checkpoints are
// dropped.
func (w *wire) Cleared([]string) [][]byte {
	_, b := w.msg(map[string]any{"event": "clearedAudio"})
	return [][]byte{b}
}

// Parse implements phone.Wire.
func (w *wire) Parse(mt int, b []byte) (phone.Message, error) {
	if mt != websocket.TextMessage {
		return phone.Message{}, errors.New("binary message")
	}
	var msg struct {
		Event    string `json:"event"`
		StreamID string `json:"streamId"`
		Name     string `json:"name"`
		Media    struct {
			ContentType string `json:"contentType"`
			SampleRate  int    `json:"sampleRate"`
			Payload     string `json:"payload"`
		} `json:"media"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		return phone.Message{}, errors.New("bad JSON")
	}
	switch msg.Event {
	case "playAudio":
		if msg.Media.ContentType != "audio/x-mulaw" || msg.Media.SampleRate != 8000 {
			return phone.Message{}, errors.New("playAudio in " + msg.Media.ContentType)
		}
		audio, err := base64.StdEncoding.DecodeString(msg.Media.Payload)
		if err != nil {
			return phone.Message{}, errors.New("bad payload")
		}
		return phone.Message{Kind: phone.MessageAudio, Audio: audio}, nil
	case "checkpoint":
		if msg.StreamID != w.id || msg.Name == "" {
			return phone.Message{}, errors.New("bad checkpoint")
		}
		return phone.Message{Kind: phone.MessageMark, Name: msg.Name}, nil
	case "clearAudio":
		if msg.StreamID != w.id {
			return phone.Message{}, errors.New("clearAudio of another stream")
		}
		return phone.Message{Kind: phone.MessageClear}, nil
	}
	return phone.Message{}, errors.New("unsupported event " + msg.Event)
}
