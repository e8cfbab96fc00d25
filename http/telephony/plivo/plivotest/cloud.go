package plivotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/plivo"
)

// Config configures a Cloud; zero fields take the defaults in brackets.
type Config struct {
	Engine, Public    string // as twiliotest.Config
	AuthID, AuthToken string // [random]
	Pace              time.Duration
	HangupURL         string // path under Public for inbound calls' hang-up callbacks, "" for none
}

// Cloud is a fake Plivo.
type Cloud struct {
	cfg    Config
	api    *httptest.Server
	http   *http.Client
	dialer *websocket.Dialer

	mu       sync.Mutex
	calls    map[string]*Call
	requests []Request
	placed   chan *Call
	wg       sync.WaitGroup
}

// Request is an API request the engine made.
type Request struct {
	Method, Path string
	Body         map[string]string
	Authorized   bool
}

// New starts a fake Plivo with its API on 127.0.0.1.
func New(cfg Config) (*Cloud, error) {
	if cfg.Engine == "" || cfg.Public == "" {
		return nil, errors.New("plivotest: Engine and Public are required")
	}
	if cfg.AuthID == "" {
		cfg.AuthID = "MA" + strings.ToUpper(randomHex(9))
	}
	if cfg.AuthToken == "" {
		cfg.AuthToken = randomHex(16)
	}
	if cfg.Pace <= 0 {
		cfg.Pace = 20 * time.Millisecond
	}
	cl := &Cloud{cfg: cfg, calls: map[string]*Call{}, placed: make(chan *Call, 1024),
		http: &http.Client{Timeout: 15 * time.Second}, dialer: &websocket.Dialer{HandshakeTimeout: 10 * time.Second}}
	cl.api = httptest.NewServer(http.HandlerFunc(cl.serveAPI))
	return cl, nil
}

// Close ends every call and stops the fake.
func (cl *Cloud) Close() {
	cl.mu.Lock()
	calls := make([]*Call, 0, len(cl.calls))
	for _, c := range cl.calls {
		calls = append(calls, c)
	}
	cl.mu.Unlock()
	for _, c := range calls {
		c.end()
	}
	cl.wg.Wait()
	cl.api.Close()
	cl.http.CloseIdleConnections()
}

// URL is the API's base URL (the gateway's APIBaseURL).
func (cl *Cloud) URL() string { return cl.api.URL }

// AuthID and AuthToken are the account's credentials.
func (cl *Cloud) AuthID() string { return cl.cfg.AuthID }

// AuthToken is the account's auth token.
func (cl *Cloud) AuthToken() string { return cl.cfg.AuthToken }

// Requests returns the API requests so far.
func (cl *Cloud) Requests() []Request {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return append([]Request(nil), cl.requests...)
}

// Placed delivers the calls the engine placed, once answered.
func (cl *Cloud) Placed() <-chan *Call { return cl.placed }

// Dial places an inbound call; it returns once the stream started or the
// call was refused or transferred.
func (cl *Cloud) Dial(ctx context.Context, from, to string) (*Call, error) {
	c := cl.newCall(from, to, "inbound")
	if cl.cfg.HangupURL != "" {
		c.hangupURL = cl.cfg.Public + cl.cfg.HangupURL
	}
	return c, cl.answer(ctx, c, cl.cfg.Public+plivo.PathAnswer)
}

func (cl *Cloud) newCall(from, to, direction string) *Call {
	c := newCall(cl, randomUUID(), from, to, direction)
	cl.mu.Lock()
	cl.calls[c.UUID] = c
	cl.mu.Unlock()
	return c
}

// answer fetches the answer XML and runs it in the background.
func (cl *Cloud) answer(ctx context.Context, c *Call, answerURL string) error {
	doc, err := cl.webhook(ctx, answerURL, c.params("in-progress"))
	if err != nil {
		c.end()
		return err
	}
	cl.wg.Add(1)
	go func() {
		defer cl.wg.Done()
		c.run(doc)
	}()
	select {
	case <-c.answered:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// webhook posts signed parameters to a public URL of the engine.
func (cl *Cloud) webhook(ctx context.Context, publicURL string, form url.Values) ([]byte, error) {
	status, body, err := cl.Post(ctx, publicURL, form, cl.cfg.AuthToken)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		return nil, fmt.Errorf("plivotest: %s answered %d: %s", publicURL, status, body)
	}
	return body, nil
}

// Post signs a form with token (V3, a fresh nonce) over publicURL and
// posts it to the engine.
func (cl *Cloud) Post(ctx context.Context, publicURL string, form url.Values, token string) (int, []byte, error) {
	var params []plivo.Param
	for k, v := range form {
		params = append(params, plivo.Param{Name: k, Value: v[0]})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cl.real(publicURL), strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		nonce := randomHex(10)
		req.Header.Set("X-Plivo-Signature-V3-Nonce", nonce)
		req.Header.Set("X-Plivo-Signature-V3", plivo.SignatureV3(token, publicURL, http.MethodPost, nonce, params))
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// Upgrade opens an audio-stream websocket to a public URL.
func (cl *Cloud) Upgrade(ctx context.Context, publicURL string) (*websocket.Conn, *http.Response, error) {
	return cl.dialer.DialContext(ctx, cl.real(publicURL), nil)
}

// real maps a public URL onto the engine's address.
func (cl *Cloud) real(publicURL string) string {
	scheme, rest, _ := strings.Cut(publicURL, "://")
	_, pub, _ := strings.Cut(cl.cfg.Public, "://")
	path, ok := strings.CutPrefix(rest, pub)
	if !ok {
		return publicURL
	}
	base := cl.cfg.Engine
	if scheme == "ws" || scheme == "wss" {
		base = "ws" + strings.TrimPrefix(base, "http")
	}
	return base + path
}

func (cl *Cloud) call(uuid string) (*Call, bool) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	c, ok := cl.calls[uuid]
	return c, ok
}

// node is a Plivo XML element.
type node struct {
	XMLName  xml.Name
	Text     string `xml:",chardata"`
	Children []node `xml:",any"`
}

func parseXML(doc []byte) (node, error) {
	var root node
	if err := xml.Unmarshal(doc, &root); err != nil || root.XMLName.Local != "Response" {
		return node{}, fmt.Errorf("plivotest: bad XML: %v", err)
	}
	return root, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomUUID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
