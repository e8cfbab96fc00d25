package twilio

import (
	"fmt"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Start is what a Media Streams start message says about the call.
type Start struct {
	StreamSID, AccountSID, CallSID string
	Params                         map[string]string // customParameters (<Parameter>s)
	Encoding                       string
	SampleRate, Channels           int
}

// event names the message; fields it needs are read in the same pass.
type frame struct {
	event   []byte
	payload []byte // media.payload (base64), aliasing the message
	track   []byte
	digit   []byte
	mark    []byte
	start   *Start // filled when the caller asks for it
}

// scanFrame reads a Twilio message. Unknown fields are skipped, so new
// fields Twilio adds do no harm.
func scanFrame(sc *telephony.Scanner, msg []byte, f *frame) error {
	sc.Reset(msg)
	sc.Object(func(key []byte) {
		switch string(key) {
		case "event":
			f.event = sc.String()
		case "media":
			sc.Object(func(k []byte) {
				switch string(k) {
				case "payload":
					f.payload = sc.String()
				case "track":
					f.track = sc.String()
				default:
					sc.Skip()
				}
			})
		case "dtmf":
			f.digit = sc.StringField("digit")
		case "mark":
			f.mark = sc.StringField("name")
		case "start":
			if f.start == nil {
				sc.Skip()
				return
			}
			scanStart(sc, f.start)
		case "streamSid":
			if f.start != nil {
				f.start.StreamSID = sc.Text()
				return
			}
			sc.Skip()
		default:
			sc.Skip()
		}
	})
	return sc.End()
}

func scanStart(sc *telephony.Scanner, st *Start) {
	sc.Object(func(k []byte) {
		switch string(k) {
		case "streamSid":
			st.StreamSID = sc.Text()
		case "accountSid":
			st.AccountSID = sc.Text()
		case "callSid":
			st.CallSID = sc.Text()
		case "customParameters":
			if st.Params == nil {
				st.Params = map[string]string{}
			}
			sc.Object(func(name []byte) {
				if len(st.Params) < 100 {
					st.Params[string(name)] = sc.Text()
				} else {
					sc.Skip()
				}
			})
		case "mediaFormat":
			sc.Object(func(k []byte) {
				switch string(k) {
				case "encoding":
					st.Encoding = sc.Text()
				case "sampleRate":
					st.SampleRate = int(sc.Int())
				case "channels":
					st.Channels = int(sc.Int())
				default:
					sc.Skip()
				}
			})
		default:
			sc.Skip()
		}
	})
}

// decoder turns Media Streams messages into the stream's events.
type decoder struct{ sc telephony.Scanner }

// Decode implements telephony.Decoder.
func (d *decoder) Decode(mt int, msg []byte, in telephony.Receiver) error {
	if mt != websocket.TextMessage {
		return fmt.Errorf("%w: binary message", telephony.ErrMalformed)
	}
	var f frame
	if err := scanFrame(&d.sc, msg, &f); err != nil {
		return err
	}
	switch string(f.event) {
	case "media":
		if len(f.track) > 0 && string(f.track) != "inbound" {
			return nil // only the caller's track is asked for
		}
		audio, err := telephony.DecodeBase64(f.payload)
		if err != nil {
			return err
		}
		if len(audio) > 0 {
			in.Audio(audio)
		}
	case "dtmf":
		if len(f.digit) != 1 || !isDigit(f.digit[0]) {
			return fmt.Errorf("%w: dtmf digit %q", telephony.ErrMalformed, f.digit)
		}
		in.DTMF(string(f.digit))
	case "mark":
		if len(f.mark) == 0 {
			return fmt.Errorf("%w: mark without a name", telephony.ErrMalformed)
		}
		in.Mark(string(f.mark))
	case "stop":
		in.Stop()
	case "":
		return fmt.Errorf("%w: no event", telephony.ErrMalformed)
	}
	return nil // connected, start again, and events Twilio may add
}

func isDigit(c byte) bool {
	return c >= '0' && c <= '9' || c == '*' || c == '#' || c >= 'A' && c <= 'D'
}

// encoder writes the engine's messages for one stream.
type encoder struct {
	head []byte // `{"event":"media","streamSid":"MZ…","media":{"payload":"`
	sid  []byte // the JSON-quoted stream SID
}

func newEncoder(streamSID string) *encoder {
	sid := telephony.AppendJSONString(nil, streamSID)
	head := append([]byte(`{"event":"media","streamSid":`), sid...)
	head = append(head, `,"media":{"payload":"`...)
	return &encoder{head: head, sid: sid}
}

// Audio implements telephony.Encoder.
func (e *encoder) Audio(dst, frame []byte) ([]byte, int) {
	dst = append(dst, e.head...)
	return append(telephony.AppendBase64(dst, frame), `"}}`...), websocket.TextMessage
}

// Mark implements telephony.Encoder.
func (e *encoder) Mark(dst []byte, name string) ([]byte, int) {
	dst = append(dst, `{"event":"mark","streamSid":`...)
	dst = append(dst, e.sid...)
	dst = append(dst, `,"mark":{"name":`...)
	dst = telephony.AppendJSONString(dst, name)
	return append(dst, `}}`...), websocket.TextMessage
}

// Clear implements telephony.Encoder.
func (e *encoder) Clear(dst []byte) ([]byte, int) {
	dst = append(dst, `{"event":"clear","streamSid":`...)
	dst = append(dst, e.sid...)
	return append(dst, '}'), websocket.TextMessage
}
