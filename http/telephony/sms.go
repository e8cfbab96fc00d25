package telephony

import "context"

// SMS is a text message to send through a carrier's messaging API on an
// assistant's behalf: from one of its numbers to the other party of a call.
type SMS struct {
	OrganizationID, AssistantID int64
	From, To                    string // E.164; From is the assistant's number
	Body                        string
	// MessagingServiceSID (Twilio) or a messaging profile (Telnyx) sends
	// from the service's pool instead of From, when set.
	MessagingServiceSID string
}

// Texter sends text messages; the Twilio and Telnyx gateways implement it.
// It returns the carrier's message id.
type Texter interface {
	SendSMS(ctx context.Context, m SMS) (string, error)
}
