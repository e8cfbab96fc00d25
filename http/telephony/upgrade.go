package telephony

import (
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/server"
)

// ticketKey is where CheckStreamTicket leaves the ticket for the stream.
const ticketKey = "telephony.ticket"

// CheckStreamTicket checks, before a media websocket is upgraded, the
// ticket the carrier presents (read by ticketOf): one that does not open,
// or is another carrier's, is a 403 saying detail, so that no stream runs
// without a call the engine answered. The stream gets it with
// StreamTicket; it is redeemed there, once.
func CheckStreamTicket(tickets *Tickets, carrier string, ticketOf func(*fiber.Ctx) string, detail string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !fws.IsWebSocketUpgrade(c) {
			return fiber.ErrUpgradeRequired
		}
		ticket := ticketOf(c)
		if tk, err := tickets.Open(ticket); err != nil || tk.Carrier != carrier {
			return server.Detail(fiber.StatusForbidden, detail)
		}
		c.Locals(ticketKey, ticket)
		return c.Next()
	}
}

// StreamTicket is the ticket CheckStreamTicket let through.
func StreamTicket(conn *fws.Conn) string {
	ticket, _ := conn.Locals(ticketKey).(string)
	return ticket
}

// TicketQuery reads a ticket from the stream URL's t parameter.
func TicketQuery(c *fiber.Ctx) string { return c.Query("t") }
