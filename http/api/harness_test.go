package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/engine/enginetest"
	"github.com/switchboard-voice/switchboard/persistence"
)

// harness is a real engine HTTP server on loopback over a fresh database,
// with an API key in each of two organizations.
type harness struct {
	t     *testing.T
	app   *fiber.App
	base  string
	pool  *pgxpool.Pool
	store *persistence.Store
	keyA  string
	keyB  string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, nil)
}

// newHarnessWith is newHarness with configure adjusting the engine's
// configuration.
func newHarnessWith(t *testing.T, configure func(*engine.Config)) *harness {
	t.Helper()
	srv := enginetest.Start(t, configure)
	h := &harness{t: t, app: srv.App, base: srv.URL, pool: srv.Store.Pool(), store: srv.Store}
	h.keyA = h.newKey(context.Background(), "Org A", "a@a.test")
	h.keyB = h.newKey(context.Background(), "Org B", "b@b.test")
	return h
}

func (h *harness) newKey(_ context.Context, org, email string) string {
	h.t.Helper()
	_, key := enginetest.NewKey(h.t, h.store, org, email)
	return key
}

// call sends a request with a bearer key (none if key is empty) and a body
// (a string is sent as is, anything else as JSON) and decodes the response.
func (h *harness) call(method, path, key string, body any) (int, map[string]any) {
	h.t.Helper()
	status, raw := h.raw(method, path, key, body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			h.t.Fatalf("%s %s: non-JSON response %q", method, path, raw)
		}
	}
	return status, out
}

func (h *harness) raw(method, path, key string, body any) (int, []byte) {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.base+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, data
}

// must is call that fails the test unless the status is want.
func (h *harness) must(want int, method, path, key string, body any) map[string]any {
	h.t.Helper()
	status, out := h.call(method, path, key, body)
	if status != want {
		h.t.Fatalf("%s %s: status %d, want %d: %v", method, path, status, want, out)
	}
	return out
}

// get walks a decoded JSON value by keys.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
