package twiliotest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
)

// Config configures a Cloud; zero fields take the defaults in brackets.
type Config struct {
	// Engine is where the engine really listens (http://127.0.0.1:port);
	// Public is the public URL it was configured with
	// (https://switchboard.test): requests are signed over Public and sent
	// to Engine.
	Engine, Public string
	AccountSID     string // [AC + 32 hex digits]
	AuthToken      string // [a random token]
	// Pace is the caller's frame interval: 20 ms is real time [20 ms].
	Pace time.Duration
	// Agent says what a transfer target does [answers, presses 1].
	Agent func(number string) Agent
	// StatusCallback, when set, is the path (under Public) inbound calls'
	// status callbacks go to, as configured on a Twilio number.
	StatusCallback string
	// SignWithPort signs requests over the public URL with its default
	// port spelled out, as Twilio sometimes does.
	SignWithPort bool
	// APIAddr is where the REST API listens [a free loopback port]: an
	// engine configured beforehand needs a fixed address.
	APIAddr string
	// Forget drops each call once it is over, so a long load run's memory
	// stays flat; REST requests about a forgotten call get Twilio's 404.
	Forget bool
	// AnsweredBy is what answering-machine detection finds at a number
	// the engine calls with MachineDetection [human].
	AnsweredBy func(number string) string
	// RefuseCalls refuses calls placed through the REST API (Calls.json)
	// with a 503, as a cloud whose only phone is busy placing its own call.
	RefuseCalls bool
}

// Agent is how a transfer target behaves.
type Agent struct {
	Answer bool   // picks up
	Key    string // pressed when asked to confirm; "" presses nothing
}

// Cloud is a fake Twilio.
type Cloud struct {
	cfg    Config
	api    *httptest.Server
	engine *carriertest.Client

	calls    carriertest.Calls[*Call]
	requests carriertest.Log[Request]
	messages carriertest.Log[Message]
	placed   chan *Call
	bg       carriertest.Background

	mu     sync.Mutex
	closed bool
}

// Request is a REST request the engine made.
type Request struct {
	Method, Path string
	Form         url.Values
	Authorized   bool
}

// Message is an SMS the engine sent.
type Message struct {
	SID, From, To, Body, MessagingServiceSID string
}

// New starts a fake Twilio whose REST API listens on 127.0.0.1.
func New(cfg Config) (*Cloud, error) {
	if cfg.Engine == "" || cfg.Public == "" {
		return nil, errors.New("twiliotest: Engine and Public are required")
	}
	if cfg.AccountSID == "" {
		cfg.AccountSID = "AC" + carriertest.Hex(16)
	}
	if cfg.AuthToken == "" {
		cfg.AuthToken = carriertest.Hex(16)
	}
	if cfg.Pace <= 0 {
		cfg.Pace = 20 * time.Millisecond
	}
	if cfg.Agent == nil {
		cfg.Agent = func(string) Agent { return Agent{Answer: true, Key: "1"} }
	}
	cl := &Cloud{cfg: cfg, placed: make(chan *Call, 1024), engine: carriertest.NewClient(cfg.Engine, cfg.Public)}
	cl.api = httptest.NewUnstartedServer(http.HandlerFunc(cl.serveAPI))
	if cfg.APIAddr != "" {
		ln, err := net.Listen("tcp", cfg.APIAddr)
		if err != nil {
			return nil, fmt.Errorf("twiliotest: REST API: %w", err)
		}
		cl.api.Listener.Close()
		cl.api.Listener = ln
	}
	cl.api.Start()
	return cl, nil
}

// Close ends every call and stops the fake.
func (cl *Cloud) Close() {
	cl.mu.Lock()
	cl.closed = true
	cl.mu.Unlock()
	for _, c := range cl.calls.All() {
		c.end()
	}
	cl.bg.Wait()
	cl.api.Close()
	cl.engine.Close()
}

// URL is the REST API's base URL (the gateway's APIBaseURL).
func (cl *Cloud) URL() string { return cl.api.URL }

// AccountSID and AuthToken are the account's credentials.
func (cl *Cloud) AccountSID() string { return cl.cfg.AccountSID }

// AuthToken is the account's auth token.
func (cl *Cloud) AuthToken() string { return cl.cfg.AuthToken }

// Requests returns the REST requests received so far.
func (cl *Cloud) Requests() []Request { return cl.requests.All() }

// Messages returns the SMS sent so far.
func (cl *Cloud) Messages() []Message { return cl.messages.All() }

// Placed delivers the calls the engine placed, once answered.
func (cl *Cloud) Placed() <-chan *Call { return cl.placed }

// Dial places an inbound call from a caller to one of the engine's
// numbers: Twilio requests the voice webhook and follows its TwiML. It
// returns once the call is answered (its stream started) or refused;
// the call goes on in the background.
func (cl *Cloud) Dial(ctx context.Context, from, to string) (*Call, error) {
	c := cl.newCall(from, to, "inbound")
	if cl.cfg.StatusCallback != "" {
		c.statusURL, c.statusEvent = cl.cfg.Public+cl.cfg.StatusCallback, []string{"completed"}
	}
	if err := cl.start(ctx, c, cl.cfg.Public+twilio.PathVoice); err != nil {
		return c, err
	}
	return c, nil
}

func (cl *Cloud) newCall(from, to, direction string) *Call {
	c := newCall(cl, "CA"+carriertest.Hex(16), from, to, direction)
	cl.calls.Add(c.SID, c)
	return c
}

// start fetches a call's first TwiML and runs it in the background; it
// returns when the call is answered, refused or failed.
func (cl *Cloud) start(ctx context.Context, c *Call, voiceURL string) error {
	doc, err := cl.webhook(ctx, voiceURL, c.params("in-progress"))
	if err != nil {
		c.fail(err)
		return err
	}
	cl.bg.Go(func() { c.run(doc) })
	select {
	case <-c.Answered():
		return nil
	case <-c.Done():
		return c.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// webhook posts signed parameters to a public URL of the engine and
// returns the body of a 2xx answer.
func (cl *Cloud) webhook(ctx context.Context, publicURL string, form url.Values) ([]byte, error) {
	status, body, err := cl.post(ctx, publicURL, form, cl.cfg.AuthToken)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		return nil, &HTTPError{Status: status, Body: string(body)}
	}
	return body, nil
}

// HTTPError is a webhook the engine refused.
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("twiliotest: webhook answered %d: %s", e.Status, e.Body)
}

// post signs form with token over publicURL and posts it to the engine.
func (cl *Cloud) post(ctx context.Context, publicURL string, form url.Values, token string) (int, []byte, error) {
	var params []twilio.Param
	for k, vs := range form {
		for _, v := range vs {
			params = append(params, twilio.Param{Name: k, Value: v})
		}
	}
	h := http.Header{"X-Twilio-Signature": {twilio.Signature(token, cl.signedURL(publicURL), params)}}
	return cl.engine.Send(ctx, http.MethodPost, publicURL, "application/x-www-form-urlencoded", []byte(form.Encode()), h)
}

// Post sends a webhook signed with token (the account's, or a wrong one
// to test refusals); it returns the engine's status and body.
func (cl *Cloud) Post(ctx context.Context, path string, form url.Values, token string) (int, []byte, error) {
	return cl.post(ctx, cl.cfg.Public+path, form, token)
}

// signedURL is the URL Twilio signs: as given, or with the default port.
func (cl *Cloud) signedURL(u string) string {
	if !cl.cfg.SignWithPort {
		return u
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Port() != "" {
		return u
	}
	switch pu.Scheme {
	case "https", "wss":
		pu.Host += ":443"
	default:
		pu.Host += ":80"
	}
	return pu.String()
}
