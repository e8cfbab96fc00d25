package telephony

import (
	"context"
	"time"
)

// Call statuses, normalised from every carrier's vocabulary (Twilio's).
const (
	StatusQueued     = "queued"
	StatusRinging    = "ringing"
	StatusInProgress = "in-progress"
	StatusCompleted  = "completed"
	StatusBusy       = "busy"
	StatusFailed     = "failed"
	StatusNoAnswer   = "no-answer"
	StatusCanceled   = "canceled"
)

// CallStatus is a carrier's report on a call's progress.
type CallStatus struct {
	Carrier        string
	CallID         string // the carrier's call id (CallSid, call_control_id, uuid, CallUUID)
	OrganizationID int64  // the account's organization, 0 when unknown
	Status         string // one of the Status values
	CarrierStatus  string // the carrier's own word for it
	Direction      string // Inbound or Outbound, "" when not reported
	From, To       string
	Duration       time.Duration // of the whole call, when it ended
	At             time.Time     // when the carrier says it happened (receipt time if it does not)
}

// StatusRecorder stores call status reports (the call records do). It is
// called from a webhook handler: it should return quickly.
type StatusRecorder interface {
	RecordStatus(ctx context.Context, s CallStatus) error
}
