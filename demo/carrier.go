package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
)

// maxRequest bounds a REST request the carrier relays: Twilio's forms are
// small.
const maxRequest = 1 << 20

// CarrierConfig says where a demo carrier's calls go.
type CarrierConfig struct {
	// Engine is where the engine listens (http://127.0.0.1:port); Public
	// is its public URL, which webhooks are signed over.
	Engine, Public string
	// Softphone is the base URL of the REST API of `switchboard call`
	// (http://127.0.0.1:9302): calls the engine places ring it first, and
	// requests about calls the softphone placed are relayed to it.
	Softphone string
	Log       *slog.Logger
}

// Carrier is the demo engine's Twilio: a fake Twilio REST API on loopback,
// so that placing a call works without credentials. A call the engine
// places rings the softphone if one answers (`switchboard call --answer`),
// else the built-in callee, which follows CalleeScript.
type Carrier struct {
	cfg    CarrierConfig
	cloud  *twiliotest.Cloud // the built-in callee's side
	srv    *http.Server
	url    string
	client *http.Client
	stop   context.CancelFunc
	wg     sync.WaitGroup // the server and the callees
}

// StartCarrier serves a demo carrier on a free loopback port.
func StartCarrier(cfg CarrierConfig) (*Carrier, error) {
	cloud, err := twiliotest.New(twiliotest.Config{Engine: cfg.Engine, Public: cfg.Public,
		AccountSID: AccountSID, AuthToken: AuthToken, Forget: true})
	if err != nil {
		return nil, fmt.Errorf("demo carrier: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cloud.Close()
		return nil, fmt.Errorf("demo carrier: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	c := &Carrier{cfg: cfg, cloud: cloud, url: "http://" + ln.Addr().String(), stop: stop,
		client: &http.Client{Timeout: 15 * time.Second}}
	c.srv = &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	c.wg.Go(func() { _ = c.srv.Serve(ln) })
	c.wg.Go(func() { c.answerCalls(ctx) })
	return c, nil
}

// URL is the base URL of the carrier's REST API: the engine's Twilio API
// URL.
func (c *Carrier) URL() string { return c.url }

// Close stops the carrier; calls still on the line end.
func (c *Carrier) Close() {
	c.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.srv.Shutdown(ctx); err != nil {
		_ = c.srv.Close()
	}
	c.cloud.Close()
	c.wg.Wait()
	c.client.CloseIdleConnections()
}

// answerCalls runs the built-in callee on every call the cloud puts
// through.
func (c *Carrier) answerCalls(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case call := <-c.cloud.Placed():
			c.cfg.Log.Info("demo callee answered", "call", call.SID, "to", call.To)
			c.wg.Go(func() { converse(ctx, call, CalleeScript) })
		}
	}
}

// ServeHTTP routes a REST request: a new call to the softphone if it
// takes it, else to the built-in callee; a request about a call to
// whichever side has it; anything else (messages) to the built-in side.
func (c *Carrier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest))
	if err != nil {
		http.Error(w, "unreadable request", http.StatusBadRequest)
		return
	}
	local := c.cloud.URL()
	switch {
	case strings.HasSuffix(r.URL.Path, "/Calls.json"):
		if res, err := c.relay(r, body, c.cfg.Softphone); err == nil && res.status/100 == 2 {
			res.write(w)
			return
		}
	case strings.Contains(r.URL.Path, "/Calls/"):
		res, err := c.relay(r, body, local)
		if err == nil && res.status == http.StatusNotFound {
			if soft, err := c.relay(r, body, c.cfg.Softphone); err == nil {
				res = soft
			}
		}
		if err == nil {
			res.write(w)
			return
		}
	}
	res, err := c.relay(r, body, local)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	res.write(w)
}

// response is a relayed answer.
type response struct {
	status      int
	contentType string
	body        []byte
}

func (res response) write(w http.ResponseWriter) {
	if res.contentType != "" {
		w.Header().Set("Content-Type", res.contentType)
	}
	w.WriteHeader(res.status)
	_, _ = w.Write(res.body)
}

// relay sends r (with body) to the same path under base.
func (c *Carrier) relay(r *http.Request, body []byte, base string) (response, error) {
	if base == "" {
		return response{}, errNoSoftphone
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	for _, h := range []string{"Authorization", "Content-Type", "Accept"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxRequest))
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: b}, nil
}

var errNoSoftphone = errors.New("demo carrier: no softphone configured")
