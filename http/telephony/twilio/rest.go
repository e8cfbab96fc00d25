package twilio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// APIError is an error answer from Twilio's REST API.
type APIError struct {
	Status  int    // HTTP status
	Code    int    `json:"code"` // Twilio's error code
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("twilio: API status %d, code %d: %s", e.Status, e.Code, e.Message)
}

// Twilio error codes the gateway handles.
const (
	codeNotInProgress = 21220 // "Call is not in-progress. Cannot redirect."
)

// client calls Twilio's REST API (2010-04-01): form bodies, JSON answers,
// HTTP Basic auth with the account SID and auth token.
type client struct {
	base string
	http *http.Client
}

// post sends a form to an account's resource and decodes the answer.
func (c *client) post(ctx context.Context, acct telephony.TwilioAccount, resource string, form url.Values, out any) error {
	u := c.base + "/2010-04-01/Accounts/" + url.PathEscape(acct.AccountSID) + resource
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.SetBasicAuth(acct.AccountSID, acct.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return telephony.CallAPI(c.http, req, "twilio: "+resource, failed, out)
}

// resource is what Twilio answers for a created call or message.
type resource struct {
	SID string `json:"sid"`
}

// updateCall changes a live call (hang up, new TwiML).
func (c *client) updateCall(ctx context.Context, acct telephony.TwilioAccount, callSID string, form url.Values) error {
	return c.post(ctx, acct, "/Calls/"+url.PathEscape(callSID)+".json", form, nil)
}

// failed is the API's error for a failed request's status.
func failed(status int) error { return &APIError{Status: status} }
