package server

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestScratchOversized(t *testing.T) {
	app := New(Options{Log: slog.New(slog.DiscardHandler), BodyLimit: 1 << 20})
	app.Post("/x", func(c *fiber.Ctx) error { return c.SendString("ok") })
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go app.Listener(ln)
	defer app.Shutdown()
	for _, n := range []int{2 << 20, 12 << 20} {
		resp, err := http.Post("http://"+ln.Addr().String()+"/x", "application/json", bytes.NewReader(make([]byte, n)))
		if err != nil {
			t.Logf("%d: err %v", n, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%d: %d %s", n, resp.StatusCode, b)
	}
}
