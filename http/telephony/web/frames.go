package web

import (
	"fmt"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// decoder reads a web client's messages: binary PCM16 audio as is, JSON
// control in text.
type decoder struct{ sc telephony.Scanner }

// Decode implements telephony.Decoder.
func (d *decoder) Decode(mt int, msg []byte, in telephony.Receiver) error {
	if mt == websocket.BinaryMessage {
		return telephony.PCM16Frame(msg, in)
	}
	var typ, digits, name []byte
	d.sc.Reset(msg)
	d.sc.Object(func(k []byte) {
		switch string(k) {
		case "type":
			typ = d.sc.String()
		case "digits":
			digits = d.sc.String()
		case "name":
			name = d.sc.String()
		default:
			d.sc.Skip()
		}
	})
	if err := d.sc.End(); err != nil {
		return err
	}
	switch string(typ) {
	case "dtmf":
		if len(digits) == 0 || len(digits) > 32 || !validDigits(digits) {
			return fmt.Errorf("%w: dtmf digits %q", telephony.ErrMalformed, digits)
		}
		in.DTMF(string(digits))
	case "mark":
		if len(name) == 0 {
			return fmt.Errorf("%w: mark without a name", telephony.ErrMalformed)
		}
		in.Mark(string(name))
	case "hangup":
		in.Stop()
	case "":
		return fmt.Errorf("%w: no type", telephony.ErrMalformed)
	}
	return nil
}

func validDigits(d []byte) bool {
	for _, c := range d {
		if !(c >= '0' && c <= '9' || c == '*' || c == '#' || c >= 'A' && c <= 'D') {
			return false
		}
	}
	return true
}

// encoder writes the engine's messages for a web client.
type encoder struct{}

// Audio implements telephony.Encoder: binary PCM16.
func (encoder) Audio(dst, frame []byte) ([]byte, int) {
	return append(dst, frame...), websocket.BinaryMessage
}

// Mark implements telephony.Encoder.
func (encoder) Mark(dst []byte, name string) ([]byte, int) {
	dst = append(dst, `{"type":"mark","name":`...)
	dst = telephony.AppendJSONString(dst, name)
	return append(dst, '}'), websocket.TextMessage
}

// Clear implements telephony.Encoder.
func (encoder) Clear(dst []byte) ([]byte, int) {
	return append(dst, `{"type":"clear"}`...), websocket.TextMessage
}

// DTMF implements telephony.DTMFEncoder: the client is told the keys.
func (encoder) DTMF(dst []byte, digits string) ([]byte, int) {
	dst = append(dst, `{"type":"dtmf","digits":`...)
	dst = telephony.AppendJSONString(dst, digits)
	return append(dst, '}'), websocket.TextMessage
}

// End implements telephony.Ender: the call is over, and why.
func (encoder) End(dst []byte, reason string) ([]byte, int) {
	dst = append(dst, `{"type":"hangup","reason":`...)
	dst = telephony.AppendJSONString(dst, reason)
	return append(dst, '}'), websocket.TextMessage
}
