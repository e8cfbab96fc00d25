package telephony

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"slices"

	"github.com/switchboard-voice/switchboard/actors/assistants"
)

// What a caller hears when nobody takes the call.
const (
	RefusalUnknown  = "Sorry, this number is not in service. Goodbye."
	RefusalInactive = "Sorry, this line is not taking calls right now. Goodbye."
	RefusalDraining = "Sorry, we cannot take your call right now. Please call back in a few minutes. Goodbye."
	// The engine cannot route the call (its database is away): the caller
	// hears so in the carrier's language, not an HTTP error.
	RefusalUnavailable = "Sorry, we are having technical difficulties and cannot take your call right now. Please call back in a few minutes. Goodbye."
)

// Refusal is what to say for a routing error (ErrUnknownNumber,
// ErrInactive, ErrDraining); ok is false for other errors, which are the
// engine's.
func Refusal(err error) (text string, ok bool) {
	switch {
	case errors.Is(err, ErrDraining):
		return RefusalDraining, true
	case errors.Is(err, ErrUnknownNumber):
		return RefusalUnknown, true
	case errors.Is(err, ErrInactive):
		return RefusalInactive, true
	}
	return "", false
}

// Bypass returns where a caller on the assistant's bypass_numbers goes:
// straight to the first transfer number, with no AI on the call.
func Bypass(snap *assistants.Snapshot, caller string) (string, bool) {
	cfg := snap.Config
	if caller == "" || !slices.Contains(cfg.BypassNumbers, caller) {
		return "", false
	}
	if n := cfg.ToolsSettings.TransferCall.TransferNumbers; len(n) > 0 {
		return n[0], true
	}
	return "", false
}

// XMLText escapes s for XML text or attribute values (TwiML, Plivo XML).
func XMLText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Resolve routes a call through dir and checks the answer: an assistant
// that is not active takes no calls, whatever the directory says.
func Resolve(ctx context.Context, dir Directory, q Lookup) (*Route, error) {
	r, err := dir.Route(ctx, q)
	if err != nil {
		return nil, err
	}
	if r == nil || r.Snapshot == nil {
		return nil, ErrUnknownNumber
	}
	if !r.Snapshot.Config.IsActive {
		return nil, ErrInactive
	}
	return r, nil
}
