package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// APIError is an error answer of Telnyx's API.
type APIError struct {
	Status int
	Errors []struct {
		Code   string `json:"code"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

func (e *APIError) Error() string {
	var parts []string
	for _, x := range e.Errors {
		parts = append(parts, x.Code+" "+x.Title)
	}
	return fmt.Sprintf("telnyx: API status %d: %s", e.Status, strings.Join(parts, "; "))
}

// has reports whether the error carries a Telnyx error code.
func (e *APIError) has(code string) bool {
	for _, x := range e.Errors {
		if x.Code == code {
			return true
		}
	}
	return false
}

// codeCallEnded is Telnyx's "call has already ended".
const codeCallEnded = "90018"

// client calls Telnyx's API v2: JSON bodies, bearer API key.
type client struct {
	base string
	http *http.Client
}

func (c *client) post(ctx context.Context, apiKey, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return telephony.CallAPI(c.http, req, "telnyx: "+path, failed, out)
}

// command sends a Call Control command to a call.
func (c *client) command(ctx context.Context, apiKey, callControlID, action string, body any) error {
	if body == nil {
		body = struct{}{}
	}
	return c.post(ctx, apiKey, "/calls/"+url.PathEscape(callControlID)+"/actions/"+action, body, nil)
}

// failed is the API's error for a failed request's status.
func failed(status int) error { return &APIError{Status: status} }
