package telephony

import "errors"

// Routing.
var (
	// ErrUnknownNumber means no active route matches the number (or the
	// assistant named by a ticket does not exist).
	ErrUnknownNumber = errors.New("telephony: unknown number")
	// ErrInactive means the number or its assistant takes no calls.
	ErrInactive = errors.New("telephony: number or assistant inactive")
	// ErrNoCredentials means the route has no credentials for the carrier.
	ErrNoCredentials = errors.New("telephony: no carrier credentials")
	// ErrDraining means the engine is shutting down and takes no new call.
	ErrDraining = errors.New("telephony: draining, no new calls")
)

// Authentication.
var (
	// ErrBadSignature means a carrier request's signature is missing or wrong.
	ErrBadSignature = errors.New("telephony: bad or missing signature")
	// ErrBadTicket means a stream or web-call ticket is malformed or forged.
	ErrBadTicket = errors.New("telephony: bad ticket")
	// ErrTicketExpired means a ticket is past its expiry.
	ErrTicketExpired = errors.New("telephony: ticket expired")
	// ErrTicketUsed means a one-time ticket was already redeemed.
	ErrTicketUsed = errors.New("telephony: ticket already used")
)

// Streams.
var (
	// ErrMalformed means a carrier frame could not be decoded.
	ErrMalformed = errors.New("telephony: malformed frame")
	// ErrQueueFull means the carrier is not reading: a frame was dropped.
	ErrQueueFull = errors.New("telephony: send queue full")
	// ErrStreamClosed means the stream's socket is gone.
	ErrStreamClosed = errors.New("telephony: stream closed")
	// ErrUnsupported means the carrier cannot do what was asked.
	ErrUnsupported = errors.New("telephony: not supported by this carrier")
)
