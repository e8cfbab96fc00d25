package carriertest

import (
	"encoding/json"
	"net/http"
)

// maxBody bounds what a fake's API reads of a request.
const maxBody = 1 << 20

// ReadJSON decodes a request's JSON body; a missing or malformed body is
// the zero value, which the fake then answers as the carrier would.
func ReadJSON[T any](w http.ResponseWriter, r *http.Request) T {
	var v T
	_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&v)
	return v
}

// WriteJSON answers with v as JSON and status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
