package vonage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// APIError is an error answer of the Voice API.
type APIError struct {
	Status int
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("vonage: API status %d: %s %s", e.Status, e.Title, e.Detail)
}

// tokenTTL bounds the JWT of one API request.
const tokenTTL = 5 * time.Minute

// client calls the Voice API with a JWT signed by the application's key.
type client struct {
	base string
	http *http.Client
	now  func() time.Time
}

func (c *client) do(ctx context.Context, acct telephony.VonageAccount, method, path string, body, out any) error {
	key, err := ParsePrivateKey(acct.PrivateKey)
	if err != nil {
		return err
	}
	token, err := APIToken(key, acct.ApplicationID, c.now(), tokenTTL)
	if err != nil {
		return err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return telephony.CallAPI(c.http, req, "vonage: "+path, failed, out)
}

// failed is the API's error for a failed request's status.
func failed(status int) error { return &APIError{Status: status} }
