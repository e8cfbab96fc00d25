package telephony

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// maxAPIAnswer bounds what is read of a carrier API's answer.
const maxAPIAnswer = 1 << 20

// CallAPI sends a request to a carrier's API (what names it in errors:
// "carrier: resource") and decodes a successful answer into out, if set. A failed one is the
// error failed makes for its status, with the answer's body decoded into
// it: the carrier's own error.
func CallAPI(c *http.Client, req *http.Request, what string, failed func(status int) error, out any) error {
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIAnswer))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if resp.StatusCode/100 != 2 {
		apiErr := failed(resp.StatusCode)
		_ = json.Unmarshal(data, apiErr)
		return apiErr
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s: answer: %w", what, err)
		}
	}
	return nil
}
