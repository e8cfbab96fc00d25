package api

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/live"
	"github.com/switchboard-voice/switchboard/privacy"
)

// Watchers lets clients watch this node's live calls: *live.Hub.
type Watchers interface {
	Watch(callID string) (*live.Watcher, error)
}

// liveCall is a live call as GET /calls/live lists it.
type liveCall struct {
	CallSID       string    `json:"call_sid"`
	AssistantID   int64     `json:"assistant_id"`
	From          string    `json:"from"`
	To            string    `json:"to"`
	Direction     string    `json:"direction"`
	Carrier       string    `json:"carrier"`
	StartedAt     time.Time `json:"started_at"`
	Speaking      string    `json:"speaking" check:"enum=caller|assistant|"` // "" while nobody speaks
	Turns         int       `json:"turns"`
	LastLatencyMS *float64  `json:"last_latency_ms"`
}

// liveCalls is GET /calls/live's answer: every live call, unpaged.
type liveCalls struct {
	Items []liveCall `json:"items"`
	Total int        `json:"total"`
}

// listLiveCalls lists the organization's live calls, on every node.
func (a *API) listLiveCalls(c *fiber.Ctx) error {
	org := principal(c).OrganizationID
	out := []liveCall{}
	for _, lc := range a.LiveCalls.Live() {
		if lc.OrganizationID == org {
			out = append(out, newLiveCall(LiveCall{CallInfo: lc.CallInfo, Private: lc.Private, State: lc.State()}))
		}
	}
	if a.Nodes != nil {
		for _, lc := range a.Nodes.LiveCalls(org) {
			out = append(out, newLiveCall(lc))
		}
	}
	return c.JSON(liveCalls{Items: out, Total: len(out)})
}

func newLiveCall(lc LiveCall) liveCall {
	st := lc.State
	from, to := lc.From, lc.To
	if lc.Private {
		from, to = privacy.Parties(lc.Direction, from, to)
	}
	item := liveCall{CallSID: lc.ID, AssistantID: lc.AssistantID, From: from, To: to, Direction: lc.Direction,
		Carrier: lc.Carrier, StartedAt: st.Started.UTC(), Speaking: st.Speaking, Turns: st.Turns}
	if st.LastLatency > 0 {
		ms := float64(st.LastLatency.Microseconds()) / 1000
		item.LastLatencyMS = &ms
	}
	return item
}

// Watching a call: a client sends nothing but control frames (anything
// else is read and ignored, up to liveReadLimit); pings keep quiet calls'
// sockets open through proxies.
const (
	liveReadLimit = 1 << 10
	livePing      = 20 * time.Second
	liveWrite     = 10 * time.Second
)

// watchCall checks the call before upgrading: another organization's or
// an unknown call is a 404, not a socket.
func (a *API) watchCall(c *fiber.Ctx) error {
	if !websocket.IsWebSocketUpgrade(c) {
		return fiber.ErrUpgradeRequired
	}
	sid, err := pathText(c, "call_sid")
	if err != nil {
		return err
	}
	w, err := a.watch(principal(c).OrganizationID, sid)
	if err != nil {
		return err
	}
	c.Locals("watcher", w)
	return c.Next()
}

// watch starts watching the organization's call sid, on this node or,
// in a cluster, on the node that runs it.
func (a *API) watch(org int64, sid string) (Feed, error) {
	var w Feed
	var err error
	if lc, ok := a.LiveCalls.Get(sid); ok && lc.OrganizationID == org {
		w, err = a.Watchers.Watch(sid)
	} else if a.Nodes != nil {
		w, err = a.Nodes.WatchCall(org, sid)
	} else {
		err = errNotLive
	}
	switch {
	case errors.Is(err, live.ErrTooManyWatchers):
		return nil, server.Detail(fiber.StatusTooManyRequests, "Too many watchers of this call")
	case err != nil:
		return nil, server.Detail(fiber.StatusNotFound, fmt.Sprintf("No live call %s in your organization", sid))
	}
	return w, nil
}

// errNotLive: no node runs the call, in the caller's organization.
var errNotLive = errors.New("api: no such live call")

// streamCall sends the call's events until it ends, the client leaves or
// falls too far behind. One goroutine writes; this one only reads, to see
// the client go.
func (a *API) streamCall(conn *websocket.Conn) {
	w := conn.Locals("watcher").(Feed)
	defer w.Close()
	conn.SetReadLimit(liveReadLimit)
	left := make(chan struct{})
	go func() {
		defer close(left)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	ping := time.NewTicker(livePing)
	defer ping.Stop()
	for {
		select {
		case msg, ok := <-w.C():
			if !ok {
				code, text := websocket.CloseNormalClosure, "call ended"
				if w.Lagged() {
					code, text = websocket.ClosePolicyViolation, "too slow: reconnect to resume"
				}
				_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
				_ = conn.Close()
				<-left
				return
			}
			_ = conn.SetWriteDeadline(time.Now().Add(liveWrite))
			if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				_ = conn.Close()
				<-left
				return
			}
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(liveWrite)); err != nil {
				_ = conn.Close()
				<-left
				return
			}
		case <-left:
			_ = conn.Close()
			return
		}
	}
}
