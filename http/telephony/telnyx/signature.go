package telnyx

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// DefaultTolerance is how far a webhook's timestamp may be from now, as
// Telnyx's SDKs allow.
const DefaultTolerance = 5 * time.Minute

// errStale is a webhook whose timestamp is outside the tolerance.
var errStale = errors.New("telnyx: webhook timestamp outside tolerance")

// ParsePublicKey decodes an account's public key (base64, 32 bytes).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("telnyx: public key: want base64 of %d bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Sign signs a webhook as Telnyx does: Ed25519 over "timestamp|body".
func Sign(key ed25519.PrivateKey, timestamp string, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, signed(timestamp, body)))
}

func signed(timestamp string, body []byte) []byte {
	msg := make([]byte, 0, len(timestamp)+1+len(body))
	msg = append(append(append(msg, timestamp...), '|'), body...)
	return msg
}

// Verify checks a webhook's telnyx-signature-ed25519 and telnyx-timestamp
// headers against the raw body; it returns the index of the key in keys
// that signed it.
func Verify(keys []ed25519.PublicKey, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) (int, error) {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return -1, fmt.Errorf("%w: timestamp %q", telephony.ErrBadSignature, timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return -1, fmt.Errorf("%w: %w (%v)", telephony.ErrBadSignature, errStale, d.Round(time.Second))
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return -1, fmt.Errorf("%w: malformed", telephony.ErrBadSignature)
	}
	msg := signed(timestamp, body)
	for i, k := range keys {
		if ed25519.Verify(k, msg, sig) {
			return i, nil
		}
	}
	return -1, telephony.ErrBadSignature
}
