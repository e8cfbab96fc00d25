package twiliotest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
)

// Upgrade opens a media-stream websocket to a public stream URL of the
// engine, signed with token (the account's, or a wrong one in tests).
func (cl *Cloud) Upgrade(ctx context.Context, publicURL, token string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if token != "" {
		h.Set("X-Twilio-Signature", twilio.Signature(token, cl.signedURL(publicURL), nil))
	}
	return cl.engine.Upgrade(ctx, publicURL, h)
}

// stream runs a <Connect><Stream> until the engine closes it, the call
// ends, or a REST update replaces the TwiML.
func (c *Call) stream(url string, params map[string]string) {
	c.Stream(carriertest.Stream{
		Upgrade: func(ctx context.Context) (*websocket.Conn, *http.Response, error) {
			return c.cloud.Upgrade(ctx, url, c.cloud.cfg.AuthToken)
		},
		Wire: func() carriertest.Wire {
			return &wire{sid: "MZ" + carriertest.Hex(16), account: c.cloud.cfg.AccountSID, call: c.SID, start: time.Now(),
				params: params}
		},
		Pace:    c.cloud.cfg.Pace,
		Fail:    c.fail,
		Started: func() { c.reportStatus("answered") },
	})
}

// wire is Twilio's Media Streams dialect, Twilio's side.
type wire struct {
	sid, account, call string
	params             map[string]string // the <Stream>'s <Parameter>s
	start              time.Time
	seq, chunk         int
}

func (w *wire) msg(v map[string]any) (int, []byte) {
	if v["event"] != "connected" {
		w.seq++
		v["sequenceNumber"] = strconv.Itoa(w.seq)
		v["streamSid"] = w.sid
	}
	b, _ := json.Marshal(v)
	return websocket.TextMessage, b
}

func (w *wire) connected() (int, []byte) {
	return w.msg(map[string]any{"event": "connected", "protocol": "Call", "version": "1.0.0"})
}

// Open implements carriertest.Wire.
func (w *wire) Open() []func() (int, []byte) { return []func() (int, []byte){w.connected, w.startMsg} }

func (w *wire) startMsg() (int, []byte) {
	return w.msg(map[string]any{"event": "start", "start": map[string]any{
		"streamSid": w.sid, "accountSid": w.account, "callSid": w.call, "tracks": []string{"inbound"},
		"customParameters": w.params,
		"mediaFormat":      map[string]any{"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
	}})
}

// Stop implements carriertest.Wire.
func (w *wire) Stop() func() (int, []byte) { return w.stop }

func (w *wire) stop() (int, []byte) {
	return w.msg(map[string]any{"event": "stop", "stop": map[string]string{"accountSid": w.account, "callSid": w.call}})
}

// DTMF implements carriertest.Wire.
func (w *wire) DTMF(digit string) (int, []byte) {
	return w.msg(map[string]any{"event": "dtmf", "dtmf": map[string]string{"track": "inbound_track", "digit": digit}})
}

// Media implements phone.Wire. It is the caller's hot path (50 messages
// a second per call, a thousand calls in the load benchmark), so it is
// written by hand rather than through encoding/json.
func (w *wire) Media(frame []byte) (int, []byte) {
	w.chunk++
	w.seq++
	b := make([]byte, 0, 160+base64.StdEncoding.EncodedLen(len(frame)))
	b = append(b, `{"event":"media","sequenceNumber":"`...)
	b = strconv.AppendInt(b, int64(w.seq), 10)
	b = append(b, `","media":{"track":"inbound","chunk":"`...)
	b = strconv.AppendInt(b, int64(w.chunk), 10)
	b = append(b, `","timestamp":"`...)
	b = strconv.AppendInt(b, time.Since(w.start).Milliseconds(), 10)
	b = append(b, `","payload":"`...)
	b = base64.StdEncoding.AppendEncode(b, frame)
	b = append(b, `"},"streamSid":"`...)
	b = append(b, w.sid...)
	return websocket.TextMessage, append(b, `"}`...)
}

// Played implements phone.Wire.
func (w *wire) Played(name string) (int, []byte) {
	return w.msg(map[string]any{"event": "mark", "mark": map[string]string{"name": name}})
}

// Cleared implements phone.Wire: Twilio reports the pending marks.
func (w *wire) Cleared(pending []string) [][]byte {
	var out [][]byte
	for _, name := range pending {
		_, b := w.Played(name)
		out = append(out, b)
	}
	return out
}

// Parse implements phone.Wire, with Twilio's error codes for what it
// would reject. It reads with the gateway's scanner: the load benchmark
// parses 50 engine messages a second per call.
func (w *wire) Parse(mt int, b []byte) (phone.Message, error) {
	if mt != websocket.TextMessage {
		return phone.Message{}, errors.New("31950: binary message")
	}
	var event, sid, payload, mark []byte
	var sc telephony.Scanner
	sc.Reset(b)
	sc.Object(func(k []byte) {
		switch string(k) {
		case "event":
			event = sc.String()
		case "streamSid":
			sid = sc.String()
		case "media", "mark":
			sc.Object(func(k2 []byte) {
				switch string(k2) {
				case "payload":
					payload = sc.String()
				case "name":
					mark = sc.String()
				default:
					sc.Skip()
				}
			})
		default:
			sc.Skip()
		}
	})
	if sc.End() != nil {
		return phone.Message{}, errors.New("31924: bad JSON")
	}
	if string(sid) != w.sid {
		return phone.Message{}, errors.New("31924: wrong streamSid " + string(sid))
	}
	switch string(event) {
	case "media":
		audio := make([]byte, base64.StdEncoding.DecodedLen(len(payload)))
		n, err := base64.StdEncoding.Decode(audio, payload)
		if err != nil {
			return phone.Message{}, errors.New("31924: bad payload")
		}
		return phone.Message{Kind: phone.MessageAudio, Audio: audio[:n]}, nil
	case "mark":
		return phone.Message{Kind: phone.MessageMark, Name: string(mark)}, nil
	case "clear":
		return phone.Message{Kind: phone.MessageClear}, nil
	}
	return phone.Message{}, errors.New("31924: unsupported event " + string(event))
}
