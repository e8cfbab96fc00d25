package carriertest

import (
	"crypto/subtle"
	"net/http"
)

// BasicAuth reports whether a request to a fake's API carries the
// account's user and password (Twilio, Plivo).
func BasicAuth(r *http.Request, user, password string) bool {
	u, p, _ := r.BasicAuth()
	return subtle.ConstantTimeCompare([]byte(u), []byte(user)) == 1 &&
		subtle.ConstantTimeCompare([]byte(p), []byte(password)) == 1
}

// BearerAuth reports whether a request to a fake's API carries the
// account's API key as a bearer token (Telnyx).
func BearerAuth(r *http.Request, key string) bool {
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+key)) == 1
}
