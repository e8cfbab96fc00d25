package llmfallback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/anthropic"
	"github.com/switchboard-voice/switchboard/providers/anthropic/anthropicfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/gemini"
	"github.com/switchboard-voice/switchboard/providers/gemini/geminifake"
	"github.com/switchboard-voice/switchboard/providers/openai"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/providers/sse"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// chain is three real clients, each against its fake: OpenAI first, then
// Anthropic, then Gemini, all answering with the same script.
type chain struct {
	openai    *openaifake.Server
	anthropic *anthropicfake.Server
	gemini    *geminifake.Server
	providers []Provider
}

func newChain(t *testing.T, cfg openaifake.Config) *chain {
	t.Helper()
	c := &chain{}
	var err error
	o := cfg
	o.Faults = &fault.Injector{}
	if c.openai, err = openaifake.Start(openaifake.Options{Config: o}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.openai.Close)
	a := cfg
	a.Faults = &fault.Injector{}
	if c.anthropic, err = anthropicfake.Start(a); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.anthropic.Close)
	g := cfg
	g.Faults = &fault.Injector{}
	if c.gemini, err = geminifake.Start(g); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.gemini.Close)
	oc, err := openai.New(openai.Config{Provider: "openai", Model: "gpt-4o-mini", APIKey: "k", BaseURL: c.openai.BaseURL})
	if err != nil {
		t.Fatal(err)
	}
	ac, err := anthropic.New(anthropic.Config{Model: "claude-haiku-4-5", APIKey: "k", BaseURL: c.anthropic.BaseURL})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := gemini.New(gemini.Config{Model: "gemini-2.5-flash", APIKey: "k", BaseURL: c.gemini.BaseURL})
	if err != nil {
		t.Fatal(err)
	}
	c.providers = []Provider{{"openai", oc}, {"anthropic", ac}, {"gemini", gc}}
	return c
}

func request(text string) voice.LLMRequest {
	return voice.LLMRequest{
		Messages: []voice.Message{{Role: voice.RoleSystem, Content: "Be brief."}, {Role: voice.RoleUser, Content: text}},
		Settings: assistant.Defaults().LLMSettings,
	}
}

func run(t *testing.T, l voice.LLM, ctx context.Context) (*openaifake.Events, error) {
	t.Helper()
	rec := &openaifake.Events{}
	err := l.Generate(ctx, request("hello"), rec.Emit)
	if e := rec.Err(); e != nil {
		t.Error(e)
	}
	return rec, err
}

func counts(c *chain) []int {
	return []int{len(c.openai.Requests()), len(c.anthropic.Requests()), len(c.gemini.Requests())}
}

func TestPrimaryServes(t *testing.T) {
	c := newChain(t, openaifake.Config{})
	rec, err := run(t, New(Options{}, c.providers...), context.Background())
	if err != nil || rec.Text() != "You said: hello" {
		t.Fatalf("%q %v", rec.Text(), err)
	}
	if s := rec.Served(); s.Provider != "openai" || s.Model != "gpt-4o-mini" || s.Fallback || s.FailedProviders != nil || s.FirstToken <= 0 {
		t.Fatalf("served %+v", s)
	}
	if n := counts(c); !slices.Equal(n, []int{1, 0, 0}) {
		t.Fatalf("requests %v", n)
	}
}

// Each failure before the first token hands the request to the next
// provider, which answers alone.
func TestFallbackTriggers(t *testing.T) {
	for _, f := range []fault.Fault{
		{Kind: fault.Refuse},
		{Kind: fault.Unauthorized},
		{Kind: fault.RateLimited},
		{Kind: fault.ServerError},
		{Kind: fault.Unavailable},
		{Kind: fault.Drop}, // the stream opens, then is cut before a token
	} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			c := newChain(t, openaifake.Config{})
			c.openai.Faults().Next(f, 1)
			rec, err := run(t, New(Options{}, c.providers...), context.Background())
			if err != nil || rec.Text() != "You said: hello" {
				t.Fatalf("%q %v", rec.Text(), err)
			}
			s := rec.Served()
			if s.Provider != "anthropic" || s.Model != "claude-haiku-4-5" || !s.Fallback || !slices.Equal(s.FailedProviders, []string{"openai"}) {
				t.Fatalf("served %+v", s)
			}
			if rec.Done().Reason != "end_turn" { // Anthropic's, not OpenAI's
				t.Fatalf("done %+v", rec.Done())
			}
			if n := counts(c); !slices.Equal(n, []int{1, 1, 0}) {
				t.Fatalf("requests %v", n)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	for status, want := range map[int]bool{400: false, 401: true, 403: true, 404: false, 408: true, 413: false, 422: false, 429: true, 500: true, 502: true, 503: true, 529: true} {
		if got := Retryable(fmt.Errorf("x: %w", &sse.StatusError{Status: status})); got != want {
			t.Errorf("%d: %v", status, got)
		}
	}
	for _, err := range []error{sse.ErrStalled, openai.ErrTruncated, errors.New("dial tcp: connection refused")} {
		if !Retryable(err) {
			t.Errorf("%v is a connection or stream failure", err)
		}
	}
}

// A provider slower than the deadline to its first token is abandoned; the
// fakes and the fallback share a virtual clock, so the test moves time.
func TestFirstTokenDeadline(t *testing.T) {
	vc := clock.NewVirtual(time.Unix(1_700_000_000, 0))
	c := newChain(t, openaifake.Config{Clock: vc, Latency: openaifake.Latency{FirstToken: 10 * time.Second}})
	l := New(Options{Clock: vc, FirstTokenTimeout: 2 * time.Second}, c.providers...)
	type result struct {
		rec *openaifake.Events
		err error
	}
	done := make(chan result, 1)
	go func() {
		rec, err := run(t, l, context.Background())
		done <- result{rec, err}
	}()
	waitStreaming := func(f interface{ Active() int }) {
		testkit.Eventually(t, 5*time.Second, func() error {
			if f.Active() != 1 {
				return errors.New("not streaming yet")
			}
			return nil
		})
	}
	waitStreaming(c.openai)
	vc.Advance(2 * time.Second) // OpenAI's deadline
	waitStreaming(c.anthropic)
	testkit.Eventually(t, 5*time.Second, func() error { // OpenAI's request was cancelled
		if c.openai.Active() != 0 {
			return errors.New("openai still streaming")
		}
		return nil
	})
	vc.Advance(2 * time.Second) // Anthropic's deadline
	waitStreaming(c.gemini)
	// Gemini is last: it has no deadline, and answers when its first token comes.
	vc.Advance(5 * time.Second)
	select {
	case r := <-done:
		t.Fatalf("the last provider was abandoned: %v", r.err)
	default:
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if vc.Pending() == 0 {
			return errors.New("no timer")
		}
		return nil
	})
	vc.Advance(10 * time.Second)
	r := <-done
	if r.err != nil || r.rec.Text() != "You said: hello" {
		t.Fatalf("%q %v", r.rec.Text(), r.err)
	}
	if s := r.rec.Served(); s.Provider != "gemini" || !slices.Equal(s.FailedProviders, []string{"openai", "anthropic"}) {
		t.Fatalf("served %+v", s)
	}
}

// Once a token has reached the caller, the provider's failure is final:
// the next provider never hears of the request, so nothing is repeated.
func TestNoFallbackAfterFirstToken(t *testing.T) {
	c := newChain(t, openaifake.Config{Script: openaifake.Script{Default: "one two three four"}})
	c.openai.Faults().Next(fault.Fault{Kind: fault.Drop, After: 2}, 1)
	rec, err := run(t, New(Options{}, c.providers...), context.Background())
	if err == nil || rec.Text() != "one two" || rec.Done() != nil {
		t.Fatalf("%q %v", rec.Text(), err)
	}
	if n := counts(c); !slices.Equal(n, []int{1, 0, 0}) {
		t.Fatalf("requests %v", n)
	}
}

func TestRequestErrorIsFinal(t *testing.T) {
	c := newChain(t, openaifake.Config{})
	req := request("x")
	req.Messages = append(req.Messages, voice.Message{Role: voice.RoleTool, ToolCallID: "call_x", Content: "orphan"})
	err := New(Options{}, c.providers...).Generate(context.Background(), req, func(voice.LLMEvent) { t.Error("emitted") })
	var se *sse.StatusError
	if !errors.As(err, &se) || se.Status != 400 || errors.Is(err, ErrAllFailed) || !strings.HasPrefix(err.Error(), "openai: openai: HTTP 400") {
		t.Fatalf("got %v", err)
	}
	if n := counts(c); !slices.Equal(n, []int{1, 0, 0}) {
		t.Fatalf("requests %v", n)
	}
}

func TestAllFail(t *testing.T) {
	c := newChain(t, openaifake.Config{})
	c.openai.Faults().Next(fault.Fault{Kind: fault.ServerError}, 1)
	c.anthropic.Faults().Next(fault.Fault{Kind: fault.Unavailable}, 1)
	c.gemini.Faults().Next(fault.Fault{Kind: fault.RateLimited}, 1)
	rec, err := run(t, New(Options{}, c.providers...), context.Background())
	var se *sse.StatusError
	if !errors.Is(err, ErrAllFailed) || !errors.As(err, &se) || len(rec.All()) != 0 {
		t.Fatalf("got %v, events %v", err, rec.All())
	}
	for _, want := range []string{"openai: openai: HTTP 500", "anthropic: anthropic: HTTP 503", "gemini: gemini: HTTP 429"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	c := newChain(t, openaifake.Config{})
	c.openai.Faults().Next(fault.Fault{Kind: fault.Stall}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := run(t, New(Options{FirstTokenTimeout: time.Hour}, c.providers...), ctx)
		done <- err
	}()
	testkit.Eventually(t, 5*time.Second, func() error {
		if c.openai.Active() != 1 {
			return errors.New("not streaming yet")
		}
		return nil
	})
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("got %v", err)
	}
	if n := counts(c); !slices.Equal(n, []int{1, 0, 0}) {
		t.Fatalf("a cancelled request fell back: %v", n)
	}
}

// scripted is a voice.LLM driven step by step by a test, to pin down races
// between a first token and the deadline that real streams make rare.
type scripted struct {
	name  string
	start chan struct{} // closed when Generate starts
	go_   chan struct{} // Generate emits once this closes
	noAd  bool          // emit a TextDelta first, without LLMServed
}

func (s *scripted) Generate(ctx context.Context, _ voice.LLMRequest, emit func(voice.LLMEvent)) error {
	close(s.start)
	select {
	case <-s.go_:
	case <-ctx.Done():
		// A provider may still emit as it notices the cancellation.
		emit(&voice.LLMServed{Provider: s.name})
		emit(&voice.TextDelta{Text: "late " + s.name})
		return ctx.Err()
	}
	if !s.noAd {
		emit(&voice.LLMServed{Provider: s.name})
	}
	emit(&voice.TextDelta{Text: "from " + s.name})
	emit(&voice.LLMDone{Reason: "stop"})
	return nil
}

func newScripted(name string) *scripted {
	return &scripted{name: name, start: make(chan struct{}), go_: make(chan struct{})}
}

func TestLateTokensDropped(t *testing.T) {
	vc := clock.NewVirtual(time.Unix(0, 0))
	a, b := newScripted("a"), newScripted("b")
	l := New(Options{Clock: vc, FirstTokenTimeout: time.Second}, Provider{"a", a}, Provider{"b", b})
	done := make(chan *openaifake.Events, 1)
	go func() {
		rec, _ := run(t, l, context.Background())
		done <- rec
	}()
	<-a.start
	vc.Advance(time.Second) // a is abandoned; what it emits while stopping is dropped
	<-b.start
	close(b.go_)
	rec := <-done
	if rec.Text() != "from b" || rec.Served().Provider != "b" || !rec.Served().Fallback {
		t.Fatalf("%q %+v", rec.Text(), rec.Served())
	}
}

func TestCommitBeatsDeadline(t *testing.T) {
	vc := clock.NewVirtual(time.Unix(0, 0))
	a, b := newScripted("a"), newScripted("b")
	a.noAd = true
	l := New(Options{Clock: vc, FirstTokenTimeout: time.Second}, Provider{"a", a}, Provider{"b", b})
	close(a.go_)
	rec, err := run(t, l, context.Background())
	vc.Advance(time.Hour) // the deadline, after the first token, changes nothing
	if err != nil || rec.Text() != "from a" {
		t.Fatalf("%q %v", rec.Text(), err)
	}
	// a announced nothing: the fallback does it, under the provider's name.
	if s := rec.Served(); s.Provider != "a" || s.Fallback {
		t.Fatalf("served %+v", s)
	}
	select {
	case <-b.start:
		t.Fatal("b was asked")
	default:
	}
}

func TestNoProviders(t *testing.T) {
	if err := New(Options{}).Generate(context.Background(), request("x"), func(voice.LLMEvent) {}); !errors.Is(err, ErrNoProviders) {
		t.Fatal(err)
	}
}

func TestSticky(t *testing.T) {
	c := newChain(t, openaifake.Config{})
	l := New(Options{Sticky: true}, c.providers...)
	c.openai.Faults().Next(fault.Fault{Kind: fault.ServerError}, 1)
	if rec, err := run(t, l, context.Background()); err != nil || rec.Served().Provider != "anthropic" {
		t.Fatalf("%v %+v", err, rec.Served())
	}
	// The next turn starts with Anthropic, and the primary is not asked.
	rec, err := run(t, l, context.Background())
	if err != nil || rec.Served().Provider != "anthropic" || rec.Served().Fallback {
		t.Fatalf("%v %+v", err, rec.Served())
	}
	// When Anthropic fails too, the order wraps around: Gemini, then OpenAI.
	c.anthropic.Faults().Next(fault.Fault{Kind: fault.Unavailable}, 1)
	c.gemini.Faults().Next(fault.Fault{Kind: fault.Unavailable}, 1)
	rec, err = run(t, l, context.Background())
	if err != nil || rec.Served().Provider != "openai" || !slices.Equal(rec.Served().FailedProviders, []string{"anthropic", "gemini"}) {
		t.Fatalf("%v %+v", err, rec.Served())
	}
	if n := counts(c); !slices.Equal(n, []int{2, 3, 1}) {
		t.Fatalf("requests %v", n)
	}
}

func TestNewClient(t *testing.T) {
	for _, spec := range []Spec{
		{Provider: "openai", Model: "m", APIKey: "k"},
		{Provider: "azure", Model: "m", APIKey: "k", BaseURL: "https://r.openai.azure.com", Custom: map[string]any{"deployment": "d"}},
		{Provider: "groq", Model: "m", APIKey: "k"},
		{Provider: "xai", Model: "m", APIKey: "k"},
		{Provider: "custom", Model: "m", BaseURL: "http://localhost:8000/v1"},
		{Provider: "anthropic", Model: "m", APIKey: "k"},
		{Provider: "gemini", Model: "m", APIKey: "k"},
	} {
		if c, err := NewClient(spec); err != nil || c == nil {
			t.Errorf("%+v: %v", spec, err)
		}
	}
	if c, err := NewClient(Spec{Provider: "anthropic", Model: "m"}); c != nil || !errors.Is(err, anthropic.ErrConfig) {
		t.Errorf("no key: %v %v", c, err)
	}
	if _, err := NewClient(Spec{Provider: "cohere"}); !errors.Is(err, ErrUnknownProvider) {
		t.Error(err)
	}
}

// staller answers with one token, then falls silent until cancelled.
type staller struct {
	name string
	said chan struct{} // closed once the token is emitted
}

func (s staller) Generate(ctx context.Context, _ voice.LLMRequest, emit func(voice.LLMEvent)) error {
	emit(&voice.LLMServed{Provider: s.name})
	emit(&voice.TextDelta{Text: "Let me"})
	close(s.said)
	<-ctx.Done()
	return ctx.Err()
}

// A provider that stalls after its first token is cut off at the stall
// deadline, not left to the stream's idle timeout; the next generation
// starts with the fallback.
func TestStallAfterFirstToken(t *testing.T) {
	vc := clock.NewVirtual(time.Unix(0, 0))
	b := newScripted("b")
	close(b.go_)
	a := staller{"a", make(chan struct{})}
	l := New(Options{Clock: vc, Sticky: true}, Provider{"a", a}, Provider{"b", b})
	done := make(chan error, 1)
	var rec *openaifake.Events
	go func() {
		var err error
		rec, err = run(t, l, context.Background())
		done <- err
	}()
	<-a.said
	testkit.Eventually(t, 5*time.Second, func() error {
		if vc.Pending() != 2 { // the first-token deadline, and the stall's
			return errors.New("no stall timer")
		}
		return nil
	})
	vc.Advance(DefaultStallTimeout - time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("cut off before the deadline: %v", err)
	default:
	}
	vc.Advance(time.Millisecond)
	if err := <-done; !errors.Is(err, ErrStalled) || rec.Text() != "Let me" {
		t.Fatalf("%q %v", rec.Text(), err)
	}
	next, err := run(t, l, context.Background())
	if err != nil || next.Served().Provider != "b" || next.Text() != "from b" {
		t.Fatalf("%v %+v %q", err, next.Served(), next.Text())
	}
}

// A single model has no fallback, but its stall still ends the reply.
func TestStallWithoutFallback(t *testing.T) {
	vc := clock.NewVirtual(time.Unix(0, 0))
	a := staller{"a", make(chan struct{})}
	l := New(Options{Clock: vc, StallTimeout: time.Second}, Provider{"a", a})
	done := make(chan error, 1)
	go func() {
		_, err := run(t, l, context.Background())
		done <- err
	}()
	<-a.said
	testkit.Eventually(t, 5*time.Second, func() error {
		if vc.Pending() == 0 {
			return errors.New("no stall timer")
		}
		return nil
	})
	vc.Advance(time.Second)
	if err := <-done; !errors.Is(err, ErrStalled) {
		t.Fatal(err)
	}
}
