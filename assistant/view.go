package assistant

import "time"

// View is the assistant object the API returns: the Burki response schema,
// plus the configuration version calls record per turn.
type View struct {
	ID             int64     `json:"id"`
	UUID           string    `json:"uuid"` // stable; the id of the VoiceDock view
	OrganizationID int64     `json:"organization_id"`
	UserID         *int64    `json:"user_id"`
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Config
	Stats
}

// Stats summarise an assistant's calls.
type Stats struct {
	TotalCalls      int64    `json:"total_calls"`
	AvgCallDuration *int64   `json:"avg_call_duration"` // seconds
	SuccessRate     *float64 `json:"success_rate"`      // percent of calls that completed normally
}
