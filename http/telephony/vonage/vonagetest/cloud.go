package vonagetest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/vonage"
)

// Config configures a Cloud; zero fields take the defaults in brackets.
type Config struct {
	Engine, Public string // as twiliotest.Config
	Pace           time.Duration
	// EventURL is the path under Public of the application's event URL;
	// "" sends no events for inbound calls.
	EventURL string
	// AnsweredBy is what machine detection finds (human or machine) at a
	// number the engine calls with machine_detection [human].
	AnsweredBy func(number string) string
}

// Cloud is a fake Vonage.
type Cloud struct {
	cfg    Config
	key    *rsa.PrivateKey
	app    string
	secret string
	api    *httptest.Server
	engine *carriertest.Client

	calls    carriertest.Calls[*Call]
	requests carriertest.Log[Request]
	placed   chan *Call
	bg       carriertest.Background
}

// Request is a Voice API request the engine made.
type Request struct {
	Method, Path string
	Body         map[string]any
	Authorized   bool
}

// New starts a fake Vonage with its API on 127.0.0.1.
func New(cfg Config) (*Cloud, error) {
	if cfg.Engine == "" || cfg.Public == "" {
		return nil, errors.New("vonagetest: Engine and Public are required")
	}
	if cfg.Pace <= 0 {
		cfg.Pace = 20 * time.Millisecond
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	cl := &Cloud{cfg: cfg, key: key, app: carriertest.UUID(), secret: carriertest.Hex(16),
		placed: make(chan *Call, 1024), engine: carriertest.NewClient(cfg.Engine, cfg.Public)}
	cl.api = httptest.NewServer(http.HandlerFunc(cl.serveAPI))
	return cl, nil
}

// Close ends every call and stops the fake.
func (cl *Cloud) Close() {
	for _, c := range cl.calls.All() {
		c.end("completed")
	}
	cl.bg.Wait()
	cl.api.Close()
	cl.engine.Close()
}

// URL is the Voice API's base URL.
func (cl *Cloud) URL() string { return cl.api.URL }

// ApplicationID is the Vonage application's id.
func (cl *Cloud) ApplicationID() string { return cl.app }

// SignatureSecret signs the account's callbacks.
func (cl *Cloud) SignatureSecret() string { return cl.secret }

// PrivateKey is the application's private key, PEM (PKCS#8).
func (cl *Cloud) PrivateKey() string {
	der, _ := x509.MarshalPKCS8PrivateKey(cl.key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// Requests returns the API requests so far.
func (cl *Cloud) Requests() []Request { return cl.requests.All() }

// Placed delivers the calls the engine placed, once answered.
func (cl *Cloud) Placed() <-chan *Call { return cl.placed }

// Dial places an inbound call; it returns once its websocket started or
// the call was refused or transferred.
func (cl *Cloud) Dial(ctx context.Context, from, to string) (*Call, error) {
	c := cl.newCall(from, to, "inbound")
	if cl.cfg.EventURL != "" {
		c.eventURL = cl.cfg.Public + cl.cfg.EventURL
	}
	return c, cl.answer(ctx, c, cl.cfg.Public+vonage.PathAnswer)
}

func (cl *Cloud) newCall(from, to, direction string) *Call {
	c := newCall(cl, carriertest.UUID(), from, to, direction)
	cl.calls.Add(c.UUID, c)
	return c
}

// answer fetches the NCCO (GET, signed) and runs it in the background.
func (cl *Cloud) answer(ctx context.Context, c *Call, answerURL string) error {
	q := url.Values{"to": {strings.TrimPrefix(c.To, "+")}, "from": {strings.TrimPrefix(c.From, "+")},
		"uuid": {c.UUID}, "conversation_uuid": {"CON-" + carriertest.UUID()}}
	sep := "?"
	if strings.Contains(answerURL, "?") {
		sep = "&"
	}
	status, body, err := cl.Get(ctx, answerURL+sep+q.Encode(), cl.secret)
	if err == nil && status/100 != 2 {
		err = fmt.Errorf("vonagetest: answer URL answered %d: %s", status, body)
	}
	if err != nil {
		c.end("failed")
		return err
	}
	cl.bg.Go(func() { c.run(body) })
	return c.WaitAnswered(ctx)
}

// callbackToken signs a callback JWT with secret ("" for none).
func (cl *Cloud) callbackToken(secret string, body []byte) string {
	if secret == "" {
		return ""
	}
	c := vonage.Claims{ApplicationID: cl.app, APIKey: "abcd1234", IssuedAt: time.Now().Unix(), ID: carriertest.UUID()}
	if body != nil {
		c.PayloadHash = vonage.PayloadHash(body)
	}
	tok, _ := vonage.SignCallback(secret, c)
	return tok
}

// Get requests a public URL of the engine, signed with secret.
func (cl *Cloud) Get(ctx context.Context, publicURL, secret string) (int, []byte, error) {
	return cl.send(ctx, http.MethodGet, publicURL, nil, secret)
}

// PostJSON posts a body to a public URL of the engine, signed with secret.
func (cl *Cloud) PostJSON(ctx context.Context, publicURL string, body []byte, secret string) (int, []byte, error) {
	return cl.send(ctx, http.MethodPost, publicURL, body, secret)
}

func (cl *Cloud) send(ctx context.Context, method, publicURL string, body []byte, secret string) (int, []byte, error) {
	contentType, h := "", http.Header{}
	if body != nil {
		contentType = "application/json"
	}
	if tok := cl.callbackToken(secret, body); tok != "" {
		h.Set("Authorization", "Bearer "+tok)
	}
	return cl.engine.Send(ctx, method, publicURL, contentType, body, h)
}

// event posts a call's status to its event URL.
func (c *Call) event(status string) {
	if c.eventURL == "" {
		return
	}
	ev := map[string]string{"uuid": c.UUID, "conversation_uuid": "CON-x", "status": status,
		"direction": c.Direction, "from": strings.TrimPrefix(c.From, "+"), "to": strings.TrimPrefix(c.To, "+"),
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano)}
	if status == "completed" {
		ev["duration"] = fmt.Sprint(int(time.Since(c.Started).Seconds()))
	}
	body, _ := json.Marshal(ev)
	cl := c.cloud
	cl.bg.Within(10*time.Second, func(ctx context.Context) { _, _, _ = cl.PostJSON(ctx, c.eventURL, body, cl.secret) })
}

// Upgrade opens the media websocket of an NCCO's uri.
func (cl *Cloud) Upgrade(ctx context.Context, publicURL string) (*websocket.Conn, *http.Response, error) {
	return cl.engine.Upgrade(ctx, publicURL, nil)
}
