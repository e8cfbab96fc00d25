package webhooks

import "errors"

var (
	// ErrNoSignature means a request carries no usable signature header.
	ErrNoSignature = errors.New("webhooks: missing or malformed signature header")
	// ErrBadSignature means no signature in the header matches the body.
	ErrBadSignature = errors.New("webhooks: signature does not match")
	// ErrStale means the signature's timestamp is outside the tolerance.
	ErrStale = errors.New("webhooks: signature timestamp outside the tolerance")
)
