package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// fakeKey is the key the provider fakes demand and the assistant carries.
const fakeKey = "bench-fake-key"

// account is the Twilio account the simulated carrier plays.
type account struct{ SID, Token string }

// newAccount makes a fresh fake account, so runs against a long-lived
// engine do not collide.
func newAccount() account { return account{SID: "AC" + randomHex(16), Token: randomHex(16)} }

// assistantBody is the benchmark's assistant: the fake providers, the
// greeting and the recogniser's endpointing the latencies ask for, the
// account's Twilio credentials, speculative replies on or off.
func assistantBody(lat Latencies, acct account, speculative bool) []byte {
	keys := map[string]string{}
	for _, p := range []string{"deepgram", "elevenlabs", "openai"} {
		keys[p+"_api_key"] = fakeKey
	}
	endpoint := int(lat.STTEndpoint.Milliseconds())
	body, _ := json.Marshal(map[string]any{
		"name":                "switchboard bench",
		"llm_provider_config": map[string]any{"api_key": fakeKey},
		"llm_settings":        map[string]any{"system_prompt": "You are the receptionist of a bike shop.", "welcome_message": greeting},
		"stt_settings": map[string]any{
			"endpointing":        map[string]any{"silence_threshold": endpoint, "min_silence_duration": endpoint},
			"speculative_config": map[string]any{"enable_speculative_llm": speculative},
		},
		"api_keys":      keys,
		"twilio_config": map[string]any{"account_sid": acct.SID, "auth_token": acct.Token},
	})
	return body
}

// provision creates an assistant and a random number of its own through
// the engine's REST API with an admin key of an organization, and returns
// the number: a Twilio number, or with sip a SIP trunk's.
func provision(ctx context.Context, baseURL, apiKey string, lat Latencies, acct account, speculative, sip bool) (string, error) {
	var created struct{ ID int64 }
	if err := postJSON(ctx, baseURL+"/api/v1/assistants", apiKey, assistantBody(lat, acct, speculative), &created); err != nil {
		return "", fmt.Errorf("bench: create the assistant: %w", err)
	}
	num := fmt.Sprintf("+1555%07d", rand.IntN(10_000_000))
	number, _ := json.Marshal(map[string]any{"phone_number": num, "provider": provider(sip),
		"friendly_name": "switchboard bench", "assistant_id": created.ID})
	if err := postJSON(ctx, baseURL+"/api/v1/phone-numbers", apiKey, number, nil); err != nil {
		return "", fmt.Errorf("bench: create the number: %w", err)
	}
	return num, nil
}

func postJSON(ctx context.Context, url, apiKey string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
