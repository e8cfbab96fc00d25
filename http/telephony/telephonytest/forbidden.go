package telephonytest

import (
	"net/http"

	"github.com/fasthttp/websocket"
)

// CheckUpgradeForbidden checks that the engine answers a stream upgrade,
// described by what, with a 403.
func (h *Harness) CheckUpgradeForbidden(what string, upgrade func() (*websocket.Conn, *http.Response, error)) {
	h.T.Helper()
	ws, resp, err := upgrade()
	if err == nil {
		ws.Close()
		h.T.Fatalf("upgrade %s accepted", what)
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		h.T.Fatalf("upgrade %s: %v", what, err)
	}
	resp.Body.Close()
}

// CheckNothingHappened checks that forbidden requests started no call,
// recorded no status and made none of the carrier's API requests.
func (h *Harness) CheckNothingHappened(apiRequests int) {
	h.T.Helper()
	if h.Events.Started() != 0 || apiRequests != 0 || len(h.Status.All()) != 0 {
		h.T.Fatal("something happened after a forbidden request")
	}
}
