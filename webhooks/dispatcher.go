// Package webhooks delivers the webhooks calls cause — status-update,
// end-of-call-report and, optionally, live transcript — from the durable
// outbox the records writer fills in the same transactions as the call's
// rows (persistence.ClaimWebhooks).
//
// Every node may run a Dispatcher: claims skip rows another node holds
// (SELECT … FOR UPDATE SKIP LOCKED) and lease them for longer than a
// request may take, so two dispatchers never send the same webhook at the
// same time. A call's webhooks go out in order, in the shape its
// assistant's webhook_settings.format chose when the call started:
// Switchboard's (Burki's), VoiceDock's or Famulor's. Each request is
// signed, with the assistant's own secret or else the organization's, as
// its format signs (SignatureHeader, or VoiceDock's X-Webhook-Signature);
// a webhook is never sent unsigned. Failures (no response, a timeout, a status outside 2xx)
// are retried with exponential backoff and jitter up to MaxAttempts, and
// every attempt is logged in webhook_logs. Delivery is at least once: a
// node that dies between a delivery and its record sends it again after
// the lease; receivers deduplicate with IDHeader.
package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/wakeup"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Store is the outbox and what webhooks are rendered from: *persistence.Store.
type Store interface {
	ClaimWebhooks(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]persistence.OutboxRow, error)
	FinishWebhook(ctx context.Context, a persistence.WebhookAttempt) error
	PendingWebhooks(ctx context.Context) (int, error)
	LoadCall(ctx context.Context, id int64) (persistence.CallRow, error)
	ListTranscripts(ctx context.Context, orgID, callID int64, speaker string) ([]persistence.TranscriptRow, error)
}

// Secrets gives an organization's webhook signing secret. It must always
// have one: without it nothing is sent (the attempt fails and is retried).
type Secrets interface {
	WebhookSecret(ctx context.Context, orgID int64) (string, error)
}

// AssistantSecrets gives an assistant's own webhook signing secret
// (webhook_settings.secret), "" when it has none or is gone.
type AssistantSecrets interface {
	AssistantWebhookSecret(ctx context.Context, orgID, assistantID int64) (string, error)
}

// DialVariables gives the call-time variables an outbound call was placed
// with (routing.Directory); persistence.ErrNotFound once they expired.
type DialVariables interface {
	DialVariables(ctx context.Context, orgID int64, dialID string) (map[string]string, error)
}

// Recordings gives the URL of a call's recording, "" when it has none.
type Recordings interface {
	RecordingURL(ctx context.Context, callID int64) (string, error)
}

// Options configure a Dispatcher.
type Options struct {
	Store   Store
	Secrets Secrets
	// Assistants, when set, give the assistants' own secrets, which sign
	// their calls' webhooks instead of the organization's.
	Assistants AssistantSecrets
	Recordings Recordings // nil: reports carry no recording URL
	// Variables, when set, give placed calls' variables to the payloads
	// that carry them (Famulor's input_variables).
	Variables DialVariables
	Client    *http.Client // nil: a client without redirects
	Clock     clock.Clock  // the real clock when nil
	Log       *slog.Logger
	// Metrics, when set, receives attempts by outcome
	// (switchboard_webhook_attempts_total) and the outbox's backlog
	// (switchboard_webhooks_pending, counted after each dispatch).
	Metrics *vm.Set

	Timeout     time.Duration // one request; 10 s when zero
	Lease       time.Duration // how long a claim holds a webhook; Timeout + 30 s when zero
	Poll        time.Duration // how often to look for due webhooks when idle; 1 s when zero
	Batch       int           // webhooks claimed at once; 32 when zero
	Concurrency int           // requests in flight; 8 when zero
	MaxAttempts int           // 8 when zero
	BackoffBase time.Duration // the wait after the first failure; 5 s when zero
	BackoffMax  time.Duration // the longest wait; 1 h when zero
	// Jitter returns a number in [0, 1): a retry waits between half and
	// all of the exponential backoff. math/rand when nil.
	Jitter func() float64
}

func (o *Options) defaults() {
	set := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&o.Timeout, 10*time.Second)
	set(&o.Lease, o.Timeout+30*time.Second)
	set(&o.Poll, time.Second)
	set(&o.BackoffBase, 5*time.Second)
	set(&o.BackoffMax, time.Hour)
	if o.Batch <= 0 {
		o.Batch = 32
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Client == nil {
		o.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
}

// responseLimit bounds the response body kept in the log.
const responseLimit = 2048

// Dispatcher delivers due webhooks.
type Dispatcher struct {
	opt      Options
	wake     *wakeup.Signal
	outcomes map[outcome]*vm.Counter // nil without Metrics
	pending  atomic.Int64            // the backlog last counted
	// turn lets one dispatch run at a time: a call's webhooks go out in
	// order, so a dispatch must see the deliveries of the one before it
	// finished (a drain's final dispatches follow the loop's).
	turn chan struct{}
}

// outcome is how an attempt ended, a metric label.
type outcome string

const (
	delivered outcome = "delivered"
	retrying  outcome = "retrying"
	givenUp   outcome = "given_up"
)

// New returns a dispatcher; Run starts it.
func New(o Options) *Dispatcher {
	o.defaults()
	d := &Dispatcher{opt: o, wake: wakeup.New(), turn: make(chan struct{}, 1)}
	if o.Metrics != nil {
		d.outcomes = map[outcome]*vm.Counter{}
		for _, k := range []outcome{delivered, retrying, givenUp} {
			d.outcomes[k] = o.Metrics.NewCounter(fmt.Sprintf(`switchboard_webhook_attempts_total{outcome=%q}`, k))
		}
		o.Metrics.NewGauge("switchboard_webhooks_pending", func() float64 { return float64(d.pending.Load()) })
	}
	return d
}

// Kick makes a running dispatcher look for due webhooks now (the records
// writer calls it after a write) instead of at its next poll.
func (d *Dispatcher) Kick() { d.wake.Kick() }

// Backoff is how long a webhook waits after its attempt-th failure.
func (d *Dispatcher) Backoff(attempt int) time.Duration {
	b := d.opt.BackoffBase
	for i := 1; i < attempt && b < d.opt.BackoffMax; i++ {
		b *= 2
	}
	b = min(b, d.opt.BackoffMax)
	return b/2 + time.Duration(d.opt.Jitter()*float64(b/2))
}

// Run delivers webhooks until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	d.wake.Loop(ctx, d.opt.Clock, d.opt.Poll, func(ctx context.Context) (bool, error) {
		n, err := d.DispatchDue(ctx)
		return n == d.opt.Batch, err // a full batch: more may be due
	}, func(err error) { d.opt.Log.Warn("webhook outbox unavailable", "err", err) })
}

// DispatchDue claims the webhooks due now, delivers them and records the
// attempts; it returns how many it claimed. It waits for a dispatch
// already running (until ctx ends).
func (d *Dispatcher) DispatchDue(ctx context.Context) (int, error) {
	select {
	case d.turn <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-d.turn }()
	rows, err := d.opt.Store.ClaimWebhooks(ctx, d.opt.Clock.Now(), d.opt.Lease, d.opt.Batch)
	if err != nil {
		return 0, err
	}
	sem := make(chan struct{}, d.opt.Concurrency)
	var wg sync.WaitGroup
	for _, o := range rows {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			d.deliver(ctx, o)
		})
	}
	wg.Wait()
	if d.outcomes != nil {
		n, err := d.opt.Store.PendingWebhooks(ctx)
		if err != nil {
			return len(rows), err
		}
		d.pending.Store(int64(n))
	}
	return len(rows), nil
}

// deliver makes one attempt and records it.
func (d *Dispatcher) deliver(ctx context.Context, o persistence.OutboxRow) {
	now := d.opt.Clock.Now()
	a := persistence.WebhookAttempt{OutboxID: o.ID, CallID: o.CallID, Attempt: o.Attempt, Payload: o.Payload, At: now,
		Headers: map[string]string{}}
	if err := d.attempt(ctx, o, &a); err != nil {
		a.Error = err.Error()
	}
	if !a.Success && o.Attempt < d.opt.MaxAttempts {
		next := now.Add(d.Backoff(o.Attempt))
		a.Retry = &next
	}
	// recorded even if ctx ends: the attempt happened
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.opt.Store.FinishWebhook(rctx, a); err != nil {
		d.opt.Log.Error("webhook attempt not recorded: it will be retried after its lease", "webhook_id", o.ID, "err", err)
	}
	switch {
	case a.Success:
		d.count(delivered)
	case a.Retry != nil:
		d.count(retrying)
	default:
		d.count(givenUp)
		d.opt.Log.Warn("webhook given up", "webhook_id", o.ID, "type", o.Type, "attempts", o.Attempt, "err", a.Error)
	}
}

// count counts an attempt's outcome, if metrics are kept.
func (d *Dispatcher) count(o outcome) {
	if c := d.outcomes[o]; c != nil {
		c.Inc()
	}
}

// attempt renders (on the first attempt), signs and sends a webhook,
// filling in the outcome.
func (d *Dispatcher) attempt(ctx context.Context, o persistence.OutboxRow, a *persistence.WebhookAttempt) error {
	if a.Payload == nil {
		body, err := d.render(ctx, o, a.At)
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
		a.Payload = body
	}
	secret, err := d.secret(ctx, o)
	if err == nil && secret == "" {
		err = errors.New("empty secret")
	}
	if err != nil {
		return fmt.Errorf("no signing secret, not sent: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, d.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, o.WebhookURL, bytes.NewReader(a.Payload))
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(IDHeader, strconv.FormatInt(o.ID, 10))
	sign(req.Header, o.Format, o.Type, secret, a.At, a.Payload)
	for k := range req.Header {
		a.Headers[k] = req.Header.Get(k)
	}
	start := time.Now()
	resp, err := d.opt.Client.Do(req)
	a.Duration = time.Since(start)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// the status decides; the start of the body is kept for the log (as text PostgreSQL can store)
	body, _ := io.ReadAll(io.LimitReader(resp.Body, responseLimit))
	a.StatusCode, a.Body = resp.StatusCode, string(bytes.ToValidUTF8(bytes.ReplaceAll(body, []byte{0}, nil), nil))
	a.Success = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !a.Success {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// secret is the key that signs a webhook: its assistant's own secret, or
// the organization's.
func (d *Dispatcher) secret(ctx context.Context, o persistence.OutboxRow) (string, error) {
	if d.opt.Assistants != nil && o.AssistantID != nil {
		s, err := d.opt.Assistants.AssistantWebhookSecret(ctx, o.OrganizationID, *o.AssistantID)
		if err != nil || s != "" {
			return s, err
		}
	}
	return d.opt.Secrets.WebhookSecret(ctx, o.OrganizationID)
}
