package vonage

import (
	"fmt"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Vonage's socket carries audio as binary frames of linear PCM16 and
// events as JSON text frames.

type frame struct {
	event  []byte
	digit  []byte
	mark   []byte // a notify's payload.mark
	format []byte // websocket:connected's content-type
}

func scanFrame(sc *telephony.Scanner, msg []byte, f *frame) error {
	sc.Reset(msg)
	sc.Object(func(key []byte) {
		switch string(key) {
		case "event":
			f.event = sc.String()
		case "digit":
			f.digit = sc.String()
		case "dtmf": // {"dtmf":{"digits":"1"}} as some events nest it [unverified]
			sc.Object(func(k []byte) {
				if string(k) == "digit" || string(k) == "digits" {
					f.digit = sc.String()
				} else {
					sc.Skip()
				}
			})
		case "content-type":
			f.format = sc.String()
		case "payload":
			if sc.Peek() != '{' {
				sc.Skip()
				return
			}
			f.mark = sc.StringField("mark")
		default:
			sc.Skip()
		}
	})
	return sc.End()
}

// decoder turns Vonage's frames into the stream's events: binary frames
// are the caller's audio as is (PCM16 at 16 kHz, the line's format).
type decoder struct{ sc telephony.Scanner }

// Decode implements telephony.Decoder.
func (d *decoder) Decode(mt int, msg []byte, in telephony.Receiver) error {
	if mt == websocket.BinaryMessage {
		return telephony.PCM16Frame(msg, in)
	}
	var f frame
	if err := scanFrame(&d.sc, msg, &f); err != nil {
		return err
	}
	switch string(f.event) {
	case "websocket:dtmf":
		if len(f.digit) == 0 || len(f.digit) > 32 {
			return fmt.Errorf("%w: dtmf digits %q", telephony.ErrMalformed, f.digit)
		}
		in.DTMF(string(f.digit))
	case "websocket:notify":
		if len(f.mark) > 0 {
			in.Mark(string(f.mark))
		}
	case "":
		return fmt.Errorf("%w: no event", telephony.ErrMalformed)
	}
	return nil // websocket:connected again, websocket:cleared, and others
}

// encoder writes the engine's messages: audio as binary frames, marks as
// notify actions (reported when the audio before them has played), clear.
type encoder struct{}

// Audio implements telephony.Encoder.
func (encoder) Audio(dst, frame []byte) ([]byte, int) {
	return append(dst, frame...), websocket.BinaryMessage
}

// Mark implements telephony.Encoder.
func (encoder) Mark(dst []byte, name string) ([]byte, int) {
	dst = append(dst, `{"action":"notify","payload":{"mark":`...)
	dst = telephony.AppendJSONString(dst, name)
	return append(dst, `}}`...), websocket.TextMessage
}

// Clear implements telephony.Encoder.
func (encoder) Clear(dst []byte) ([]byte, int) {
	return append(dst, `{"action":"clear"}`...), websocket.TextMessage
}
