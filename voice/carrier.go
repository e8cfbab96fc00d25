package voice

import "context"

// Carrier is the telephony side of a live call, implemented by each
// gateway (Twilio, Telnyx, Vonage, Plivo, web). The socket methods are
// called from the call's actor and must not block on the network: gateways
// queue writes to their socket. Transfer and HangUp may make requests to the
// carrier's API; the engine calls them off its actor.
type Carrier interface {
	// Format is the audio format of the call in both directions.
	Format() Format
	// SendAudio queues one frame of assistant audio for the caller.
	SendAudio(frame []byte) error
	// SendMark asks the carrier to report (as a played mark) when the audio
	// queued before it has been played.
	SendMark(name string) error
	// Clear drops audio the carrier has queued but not played; pending
	// marks are reported as played.
	Clear() error
	// SendDTMF plays touch-tone digits to the other party (0-9, *, #, w for a pause).
	SendDTMF(digits string) error
	// Transfer hands the caller to another number; the call's media stream
	// ends when it succeeds.
	Transfer(ctx context.Context, req TransferRequest) error
	// HangUp ends the call.
	HangUp(ctx context.Context) error
}

// TransferRequest describes a transfer. A cold transfer just connects the
// caller to To. A warm one first calls the agent and briefs them with
// Summary; with AgentConfirmation the agent must accept (a key press);
// if the agent does not answer or declines, the caller hears
// UnavailableMessage and comes back to the assistant.
type TransferRequest struct {
	To                 string // E.164
	Warm               bool
	Summary            string
	AgentConfirmation  bool
	UnavailableMessage string
}
