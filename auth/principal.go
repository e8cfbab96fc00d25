package auth

import "time"

// Principal is who a request acts as: a key of a user in an organization.
type Principal struct {
	KeyID          int64
	UserID         int64
	OrganizationID int64
	Role           string
	ExpiresAt      *time.Time // the key's expiry; nil: never
}
