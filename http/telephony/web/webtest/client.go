// Package webtest is a browser for the web call gateway: it opens the
// call's websocket with its token, speaks fakespeech as PCM16 at 16 kHz
// in real time, plays the assistant's audio (marks echoed once played,
// clears honoured), and records the control messages it gets.
package webtest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/web"
)

// Client is one browser call.
type Client struct {
	Phone *phone.Phone

	sock   *phone.Socket
	wire   *wire
	cancel context.CancelFunc
	done   chan struct{}
}

// Dial opens a web call at a token's public URL, reached at engine (the
// engine's real address, http://127.0.0.1:port). pace is the frame
// interval (20 ms is real time).
func Dial(ctx context.Context, engine, publicURL string, pace time.Duration) (*Client, *http.Response, error) {
	_, rest, _ := strings.Cut(publicURL, "://")
	_, path, _ := strings.Cut(rest, "/")
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(engine, "http")+"/"+path, nil)
	if err != nil {
		return nil, resp, err
	}
	w := &wire{}
	cctx, cancel := context.WithCancel(context.Background())
	c := &Client{Phone: phone.New(nil), wire: w, cancel: cancel, done: make(chan struct{})}
	c.sock = phone.NewSocket(ws, w, c.Phone)
	go func() {
		defer close(c.done)
		c.sock.Serve(cctx, pace, func() (int, []byte) { return websocket.TextMessage, []byte(`{"type":"hangup"}`) })
	}()
	return c, resp, nil
}

// Say makes the caller speak.
func (c *Client) Say(text string) { c.Phone.Say(text) }

// Press sends keys.
func (c *Client) Press(digits string) error {
	b, _ := json.Marshal(map[string]string{"type": "dtmf", "digits": digits})
	return c.sock.Send(func() (int, []byte) { return websocket.TextMessage, b })
}

// SendRaw writes a raw message.
func (c *Client) SendRaw(mt int, data []byte) error {
	return c.sock.Send(func() (int, []byte) { return mt, data })
}

// HangUp hangs up ({"type":"hangup"}, then the socket closes) and waits.
func (c *Client) HangUp() {
	c.cancel()
	<-c.done
}

// Done is closed once the socket is closed, by either side.
func (c *Client) Done() <-chan struct{} { return c.done }

// CallID is the call id the engine announced.
func (c *Client) CallID() string { return c.wire.get(func(w *wire) string { return w.callID }) }

// TransferredTo is where the engine said the call was transferred.
func (c *Client) TransferredTo() string {
	return c.wire.get(func(w *wire) string { return w.transfer })
}

// Ended is the reason the engine gave for ending the call, "" if none.
func (c *Client) Ended() string { return c.wire.get(func(w *wire) string { return w.hangup }) }

// DTMF lists the keys the engine said it pressed.
func (c *Client) DTMF() []string { return c.sock.DTMF() }

// Violations lists engine messages outside the protocol.
func (c *Client) Violations() []string { return c.sock.Violations() }

// wire is the web protocol, the browser's side.
type wire struct {
	mu                       sync.Mutex
	callID, transfer, hangup string
}

func (w *wire) get(f func(*wire) string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return f(w)
}

// Media implements phone.Wire.
func (*wire) Media(frame []byte) (int, []byte) {
	return websocket.BinaryMessage, fakespeech.Widen(frame, web.Format)
}

// Played implements phone.Wire.
func (*wire) Played(name string) (int, []byte) {
	b, _ := json.Marshal(map[string]string{"type": "mark", "name": name})
	return websocket.TextMessage, b
}

// Cleared implements phone.Wire: nothing to answer.
func (*wire) Cleared([]string) [][]byte { return nil }

// Parse implements phone.Wire.
func (w *wire) Parse(mt int, b []byte) (phone.Message, error) {
	if mt == websocket.BinaryMessage {
		if len(b) != web.Format.FrameBytes() {
			return phone.Message{}, errors.New("audio frame of a wrong size")
		}
		return phone.Message{Kind: phone.MessageAudio, Audio: fakespeech.Narrow(b, web.Format)}, nil
	}
	var msg struct {
		Type, Name, Digits, To, Reason string
		CallID                         string `json:"call_id"`
		SampleRate                     int    `json:"sample_rate"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		return phone.Message{}, errors.New("bad JSON")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch msg.Type {
	case "started":
		if msg.SampleRate != web.Format.SampleRate || w.callID != "" {
			return phone.Message{}, errors.New("bad started")
		}
		w.callID = msg.CallID
	case "mark":
		return phone.Message{Kind: phone.MessageMark, Name: msg.Name}, nil
	case "clear":
		return phone.Message{Kind: phone.MessageClear}, nil
	case "dtmf":
		return phone.Message{Kind: phone.MessageDTMF, Digits: msg.Digits}, nil
	case "transfer":
		w.transfer = msg.To
	case "hangup":
		w.hangup = msg.Reason
	default:
		return phone.Message{}, errors.New("unknown type " + msg.Type)
	}
	return phone.Message{}, nil
}
