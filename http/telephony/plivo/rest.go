package plivo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// APIError is an error answer of Plivo's API.
type APIError struct {
	Status  int
	Message string `json:"error"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("plivo: API status %d: %s", e.Status, e.Message)
}

// client calls Plivo's REST API v1: JSON bodies, Basic auth.
type client struct {
	base string
	http *http.Client
}

func (c *client) do(ctx context.Context, acct telephony.PlivoAccount, method, resource string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	u := c.base + "/v1/Account/" + url.PathEscape(acct.AuthID) + resource
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.SetBasicAuth(acct.AuthID, acct.AuthToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return telephony.CallAPI(c.http, req, "plivo: "+resource, failed, out)
}

func callPath(uuid string) string { return "/Call/" + url.PathEscape(uuid) + "/" }

// failed is the API's error for a failed request's status.
func failed(status int) error { return &APIError{Status: status} }
