package telnyxtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/telnyx"
)

// Config configures a Cloud; zero fields take the defaults in brackets.
type Config struct {
	Engine, Public string // as twiliotest.Config
	APIKey         string // [random]
	ConnectionID   string // [random]
	Pace           time.Duration
	// Now stamps webhooks [time.Now]; a skewed clock tests the tolerance.
	Now func() time.Time
	// Shuffle swaps a pair of media frames every few frames: Telnyx does
	// not guarantee order.
	Shuffle bool
	// AnsweredBy is what answering-machine detection finds at a number the
	// engine calls with answering_machine_detection [human].
	AnsweredBy func(number string) string
	// RefuseTransfers answers the transfer command with a 422, as Telnyx
	// does for a destination the connection may not dial.
	RefuseTransfers bool
}

// Cloud is a fake Telnyx.
type Cloud struct {
	cfg    Config
	key    ed25519.PrivateKey
	api    *httptest.Server
	engine *carriertest.Client

	calls    carriertest.Calls[*Call]
	requests carriertest.Log[Request]
	messages carriertest.Log[map[string]string]
	placed   chan *Call
	bg       carriertest.Background
}

// Request is an API request the engine made.
type Request struct {
	Path       string
	Body       map[string]any
	Authorized bool
}

// New starts a fake Telnyx with its API on 127.0.0.1.
func New(cfg Config) (*Cloud, error) {
	if cfg.Engine == "" || cfg.Public == "" {
		return nil, errors.New("telnyxtest: Engine and Public are required")
	}
	if cfg.APIKey == "" {
		cfg.APIKey = "KEY" + carriertest.Hex(16)
	}
	if cfg.ConnectionID == "" {
		cfg.ConnectionID = carriertest.Hex(8)
	}
	if cfg.Pace <= 0 {
		cfg.Pace = 20 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	cl := &Cloud{cfg: cfg, key: key, placed: make(chan *Call, 1024), engine: carriertest.NewClient(cfg.Engine, cfg.Public)}
	cl.api = httptest.NewServer(http.HandlerFunc(cl.serveAPI))
	return cl, nil
}

// Close ends every call and stops the fake.
func (cl *Cloud) Close() {
	for _, c := range cl.calls.All() {
		c.end("normal_clearing")
	}
	cl.bg.Wait()
	cl.api.Close()
	cl.engine.Close()
}

// URL is the API's base URL (the gateway's APIBaseURL).
func (cl *Cloud) URL() string { return cl.api.URL }

// PublicKey is the account's webhook key, base64.
func (cl *Cloud) PublicKey() string {
	return base64.StdEncoding.EncodeToString(cl.key.Public().(ed25519.PublicKey))
}

// APIKey is the account's API key.
func (cl *Cloud) APIKey() string { return cl.cfg.APIKey }

// ConnectionID is the Call Control application's id.
func (cl *Cloud) ConnectionID() string { return cl.cfg.ConnectionID }

// Requests returns the API requests received so far.
func (cl *Cloud) Requests() []Request { return cl.requests.All() }

// Messages returns the SMS sent so far.
func (cl *Cloud) Messages() []map[string]string { return cl.messages.All() }

// Placed delivers the calls the engine placed, once their stream started.
func (cl *Cloud) Placed() <-chan *Call { return cl.placed }

// Dial places an inbound call: call.initiated goes to the engine's
// webhook; Dial returns once the engine answered with a stream, refused
// the call (spoken and hung up) or transferred it.
func (cl *Cloud) Dial(ctx context.Context, from, to string) (*Call, error) {
	c := cl.newCall(from, to, "incoming")
	if err := cl.event(ctx, "call.initiated", c, nil); err != nil {
		c.end("unspecified")
		return c, err
	}
	return c, c.WaitAnswered(ctx)
}

func (cl *Cloud) newCall(from, to, direction string) *Call {
	c := newCall(cl, "v3:"+carriertest.Hex(16), from, to, direction)
	cl.calls.Add(c.ID, c)
	return c
}

// event posts a signed webhook about a call.
func (cl *Cloud) event(ctx context.Context, kind string, c *Call, extra map[string]any) error {
	p := map[string]any{"call_control_id": c.ID, "call_leg_id": c.ID, "call_session_id": c.session,
		"connection_id": cl.cfg.ConnectionID, "direction": c.Direction, "from": c.From, "to": c.To,
		"client_state": c.clientState(), "state": "parked"}
	for k, v := range extra {
		p[k] = v
	}
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"event_type": kind, "id": carriertest.Hex(8),
		"occurred_at": cl.cfg.Now().UTC().Format(time.RFC3339Nano), "payload": p, "record_type": "event"},
		"meta": map[string]any{"attempt": 1}})
	status, resp, err := cl.Post(ctx, body, cl.key)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return fmt.Errorf("telnyxtest: %s webhook answered %d: %s", kind, status, resp)
	}
	return nil
}

// SigningKey is the key Telnyx signs its webhooks with (to replay one).
func (cl *Cloud) SigningKey() ed25519.PrivateKey { return cl.key }

// Post sends a raw webhook body signed with key (nil: unsigned).
func (cl *Cloud) Post(ctx context.Context, body []byte, key ed25519.PrivateKey) (int, []byte, error) {
	h := http.Header{}
	if key != nil {
		ts := strconv.FormatInt(cl.cfg.Now().Unix(), 10)
		h.Set("telnyx-timestamp", ts)
		h.Set("telnyx-signature-ed25519", telnyx.Sign(key, ts, body))
	}
	return cl.engine.Send(ctx, http.MethodPost, cl.cfg.Public+telnyx.PathWebhook, "application/json", body, h)
}

// Upgrade opens a media websocket to a public stream URL with an auth token.
func (cl *Cloud) Upgrade(ctx context.Context, publicURL, token string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if token != "" {
		h.Set("x-telnyx-streaming-auth-token", token)
	}
	return cl.engine.Upgrade(ctx, publicURL, h)
}
