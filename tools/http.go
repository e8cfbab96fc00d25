package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxResult bounds what the model is given of a response: enough for any
// answer worth speaking, small enough not to flood its context.
const maxResult = 8 << 10

// runHTTP calls a custom tool's endpoint with the model's arguments: as
// the JSON body of a POST, PUT or PATCH, as query parameters of a GET or
// DELETE. Headers say which call and tool call it is for.
func (r *Runner) runHTTP(ctx context.Context, c *voice.CallInfo, ct assistant.CustomTool, tc voice.ToolCall) (string, error) {
	args := map[string]any{}
	if strings.TrimSpace(tc.Arguments) != "" {
		if err := json.Unmarshal([]byte(tc.Arguments), &args); err != nil {
			return "", fmt.Errorf("arguments are not a JSON object: %w", err)
		}
	}
	timeout := time.Duration(ct.TimeoutSeconds * float64(time.Second))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := request(ctx, ct, args)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", "Switchboard")
	req.Header.Set("X-Switchboard-Call-Id", c.ID)
	req.Header.Set("X-Switchboard-Assistant-Id", strconv.FormatInt(c.AssistantID, 10))
	req.Header.Set("X-Switchboard-Tool-Call-Id", tc.ID)
	for k, v := range ct.Headers {
		req.Header.Set(k, v)
	}
	client := r.Client
	if client == nil {
		client = http.DefaultClient
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may carry a key in its query: keep it out of logs and prompts
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %v", timeout)
		}
		r.log().Warn("custom tool failed", "call_id", c.ID, "tool", ct.Name, "err", err)
		return "", fmt.Errorf("the %s service did not answer: %w", ct.Name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResult+1))
	if err != nil {
		return "", fmt.Errorf("the %s service's answer was cut off: %w", ct.Name, err)
	}
	r.log().Debug("custom tool answered", "call_id", c.ID, "tool", ct.Name, "status", resp.StatusCode,
		"duration_ms", time.Since(start).Milliseconds())
	text := truncate(body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("the %s service answered HTTP %d: %s", ct.Name, resp.StatusCode, text)
	}
	if text == "" {
		return `{"status":"ok"}`, nil
	}
	return text, nil
}

func request(ctx context.Context, ct assistant.CustomTool, args map[string]any) (*http.Request, error) {
	method := strings.ToUpper(ct.Method)
	if method == http.MethodGet || method == http.MethodDelete {
		u, err := url.Parse(ct.URL)
		if err != nil {
			return nil, fmt.Errorf("the tool's url: %w", err)
		}
		q := u.Query()
		for k, v := range args {
			q.Set(k, queryValue(v))
		}
		u.RawQuery = q.Encode()
		return http.NewRequestWithContext(ctx, method, u.String(), nil)
	}
	body, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("arguments: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, method, ct.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("the tool's url: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// queryValue renders an argument for a query string: strings as they are,
// anything else as JSON.
func queryValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v) // decoded from JSON: cannot fail
	return string(b)
}

// truncate makes a response body model-sized text, cut at a rune boundary.
func truncate(body []byte) string {
	if len(body) <= maxResult {
		return strings.TrimSpace(string(body))
	}
	cut := maxResult
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return string(body[:cut]) + " …(truncated)"
}
