package telephony

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/gofiber/contrib/websocket"
)

// RecoverStream logs a panic in a websocket handler instead of writing it
// to the carrier (the default writes the panic value to the socket).
func RecoverStream(log *slog.Logger) func(*websocket.Conn) {
	return func(c *websocket.Conn) {
		if r := recover(); r != nil {
			log.Error("media stream handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			_ = c.Close()
		}
	}
}
