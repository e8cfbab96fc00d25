package api

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// A recording on another node is sent as a local one is: whole, or the
// byte range asked for.
func TestSendRemote(t *testing.T) {
	data := make([]byte, 3*remoteReadSize+17)
	for i := range data {
		data[i] = byte(i * 7)
	}
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error { return sendRemote(c, bytes.NewReader(data)) })
	for _, tc := range []struct {
		rng    string
		status int
		body   []byte
		header string
	}{
		{"", http.StatusOK, data, ""},
		{"bytes=8-11", http.StatusPartialContent, data[8:12], "bytes 8-11/786449"},
		{"bytes=-5", http.StatusPartialContent, data[len(data)-5:], "bytes 786444-786448/786449"},
		{"bytes=786449-", http.StatusRequestedRangeNotSatisfiable, nil, "bytes */786449"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		if tc.rng != "" {
			req.Header.Set("Range", tc.rng)
		}
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || res.Header.Get("Content-Range") != tc.header ||
			(tc.body != nil && !bytes.Equal(body, tc.body)) {
			t.Errorf("Range %q: %d, Content-Range %q, %d bytes", tc.rng, res.StatusCode, res.Header.Get("Content-Range"), len(body))
		}
	}
}
