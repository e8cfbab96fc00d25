package telephony

import (
	"encoding/base64"
	"fmt"
)

// The carriers' two ways of carrying audio on a media websocket: base64
// in JSON text frames (Twilio, Plivo, Telnyx) or PCM16 in binary frames
// (Vonage, the web client).

// AppendBase64 appends frame in base64 to dst.
func AppendBase64(dst, frame []byte) []byte {
	n := len(dst)
	dst = append(dst, make([]byte, base64.StdEncoding.EncodedLen(len(frame)))...)
	base64.StdEncoding.Encode(dst[n:], frame)
	return dst
}

// DecodeBase64 decodes a base64 media payload into a new slice the call
// will own.
func DecodeBase64(payload []byte) ([]byte, error) {
	out := make([]byte, base64.StdEncoding.DecodedLen(len(payload)))
	n, err := base64.StdEncoding.Decode(out, payload)
	if err != nil {
		return nil, fmt.Errorf("%w: media payload: %w", ErrMalformed, err)
	}
	return out[:n], nil
}

// PCM16Frame hands a binary frame of PCM16 audio to in, copied: the
// socket reuses its buffer.
func PCM16Frame(msg []byte, in Receiver) error {
	if len(msg)%2 != 0 {
		return fmt.Errorf("%w: %d bytes of PCM16", ErrMalformed, len(msg))
	}
	if len(msg) > 0 {
		in.Audio(append([]byte(nil), msg...))
	}
	return nil
}
