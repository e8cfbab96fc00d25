package plivotest

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/plivo"
)

// Config configures a Cloud; zero fields take the defaults in brackets.
type Config struct {
	Engine, Public    string // as twiliotest.Config
	AuthID, AuthToken string // [random]
	Pace              time.Duration
	HangupURL         string // path under Public for inbound calls' hang-up callbacks, "" for none
	// Machine is whether answering-machine detection finds a machine at a
	// number the engine calls with machine_detection [false].
	Machine func(number string) bool
}

// Cloud is a fake Plivo.
type Cloud struct {
	cfg    Config
	api    *httptest.Server
	engine *carriertest.Client

	calls    carriertest.Calls[*Call]
	requests carriertest.Log[Request]
	placed   chan *Call
	bg       carriertest.Background
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
		cfg.AuthID = "MA" + strings.ToUpper(carriertest.Hex(9))
	}
	if cfg.AuthToken == "" {
		cfg.AuthToken = carriertest.Hex(16)
	}
	if cfg.Pace <= 0 {
		cfg.Pace = 20 * time.Millisecond
	}
	cl := &Cloud{cfg: cfg, placed: make(chan *Call, 1024), engine: carriertest.NewClient(cfg.Engine, cfg.Public)}
	cl.api = httptest.NewServer(http.HandlerFunc(cl.serveAPI))
	return cl, nil
}

// Close ends every call and stops the fake.
func (cl *Cloud) Close() {
	for _, c := range cl.calls.All() {
		c.end()
	}
	cl.bg.Wait()
	cl.api.Close()
	cl.engine.Close()
}

// URL is the API's base URL (the gateway's APIBaseURL).
func (cl *Cloud) URL() string { return cl.api.URL }

// AuthID and AuthToken are the account's credentials.
func (cl *Cloud) AuthID() string { return cl.cfg.AuthID }

// AuthToken is the account's auth token.
func (cl *Cloud) AuthToken() string { return cl.cfg.AuthToken }

// Requests returns the API requests so far.
func (cl *Cloud) Requests() []Request { return cl.requests.All() }

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
	c := newCall(cl, carriertest.UUID(), from, to, direction)
	cl.calls.Add(c.UUID, c)
	return c
}

// answer fetches the answer XML and runs it in the background.
func (cl *Cloud) answer(ctx context.Context, c *Call, answerURL string) error {
	doc, err := cl.webhook(ctx, answerURL, c.params("in-progress"))
	if err != nil {
		c.end()
		return err
	}
	cl.bg.Go(func() { c.run(doc) })
	return c.WaitAnswered(ctx)
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
	h := http.Header{}
	if token != "" {
		nonce := carriertest.Hex(10)
		h.Set("X-Plivo-Signature-V3-Nonce", nonce)
		h.Set("X-Plivo-Signature-V3", plivo.SignatureV3(token, publicURL, http.MethodPost, nonce, params))
	}
	return cl.engine.Send(ctx, http.MethodPost, publicURL, "application/x-www-form-urlencoded", []byte(form.Encode()), h)
}

// Upgrade opens an audio-stream websocket to a public URL.
func (cl *Cloud) Upgrade(ctx context.Context, publicURL string) (*websocket.Conn, *http.Response, error) {
	return cl.engine.Upgrade(ctx, publicURL, nil)
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
