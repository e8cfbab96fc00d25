package media

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrBadEvent is a telephone-event payload that does not decode.
var ErrBadEvent = errors.New("media: malformed telephone-event")

// event is an RFC 4733 §2.3 named event payload.
type event struct {
	code     uint8
	end      bool
	volume   uint8
	duration uint16
}

const eventSize = 4

func decodeEvent(p []byte) (event, error) {
	if len(p) < eventSize {
		return event{}, fmt.Errorf("%w: %d bytes", ErrBadEvent, len(p))
	}
	return event{code: p[0], end: p[1]&0x80 != 0, volume: p[1] & 0x3f, duration: binary.BigEndian.Uint16(p[2:4])}, nil
}

func (e event) append(dst []byte) []byte {
	b := e.volume & 0x3f
	if e.end {
		b |= 0x80
	}
	return binary.BigEndian.AppendUint16(append(dst, e.code, b), e.duration)
}

// digits are the DTMF events 0-15 (RFC 4733 §3.2).
const digits = "0123456789*#ABCD"

// digitOf is the key of an event code, 0 for events that are not keys.
func digitOf(code uint8) byte {
	if int(code) < len(digits) {
		return digits[code]
	}
	return 0
}

// codeOf is the event code of a key, false for anything else.
func codeOf(d byte) (uint8, bool) {
	for i := 0; i < len(digits); i++ {
		if digits[i] == d || (d >= 'a' && d <= 'd' && digits[i] == d-32) {
			return uint8(i), true
		}
	}
	return 0, false
}
