package telephonytest

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/actors/call/calltest"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/gofiber/fiber/v2"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/openapi/openapitest"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// PublicURL is what carriers are told the engine is at. Test callers sign
// requests over it and connect to the harness's real address instead, as
// carriers reach an engine behind a TLS-terminating proxy.
const PublicURL = "https://switchboard.test"

// Secret seals the harness's tickets.
var Secret = []byte("0123456789abcdef0123456789abcdef")

// Harness is the engine's call side for one test.
type Harness struct {
	T       testing.TB
	Log     *slog.Logger
	Logs    *Logs
	System  *actor.ActorSystem
	Calls   *call.Manager
	STT     *voicetest.STT
	TTS     *voicetest.TTS
	LLM     *voicetest.LLM
	Events  *Recorder
	Dir     *Directory
	Status  *Statuses
	Hub     *telephony.Hub
	Timings *Timings // what Hub's streams timed
	Tickets *telephony.Tickets
	Public  telephony.PublicURL
	App     *fiber.App
	Addr    string // where the app listens, 127.0.0.1:port
	ln      net.Listener
}

// IgnoreRuntime are goroutines that are not a call's: protoactor's
// throttled dead-letter logging outlives its use for a while; fasthttp's
// server-date ticker runs for the process, and its worker pool's cleaner
// notices the server stopped only at its next wake-up.
var IgnoreRuntime = []goleak.Option{
	goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"),
	goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),
	goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"),
}

// New builds a harness; it checks, when the test ends, that no goroutine
// was left behind, and prints the engine's logs if the test failed.
func New(t testing.TB) *Harness {
	t.Helper()
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, append(IgnoreRuntime, before)...) })
	logs := NewLogs()
	t.Cleanup(func() { // the engine's side of a failure, for its diagnosis
		if t.Failed() {
			t.Log(logs.All())
		}
	})
	log := slog.New(logs)
	pub, err := telephony.ParsePublicURL(PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder()
	tm := &Timings{}
	h := &Harness{Timings: tm, T: t, Log: log, Logs: logs, System: actors.NewSystem(slog.New(slog.DiscardHandler)),
		STT: &voicetest.STT{Recognize: true}, TTS: &voicetest.TTS{}, LLM: &voicetest.LLM{},
		Events: rec, Dir: NewDirectory(rec), Status: &Statuses{}, Hub: telephony.NewHub(tm), Tickets: telephony.NewTickets(Secret, nil), Public: pub}
	h.Calls = call.NewManager(call.Deps{System: h.System, Assistants: h.Dir,
		Providers: calltest.Providers{STT: h.STT, TTS: h.TTS, Model: h.LLM}, Sinks: []events.Sink{rec}, Log: log})
	if h.ln, err = net.Listen("tcp4", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	h.Addr = h.ln.Addr().String()
	return h
}

// Deps are the gateways' dependencies on this harness.
func (h *Harness) Deps() telephony.Deps {
	return telephony.Deps{Calls: h.Calls, Directory: h.Dir, Tickets: h.Tickets, Hub: h.Hub, Status: h.Status,
		Public: h.Public, Log: h.Log}
}

// Serve mounts the gateways on a new app and serves it at Addr; the
// test's end closes the streams, the app, the calls and the actors. The
// gateways' OpenAPI document must be valid and describe every route.
func (h *Harness) Serve(mount func(r openapi.Router)) {
	h.T.Helper()
	h.App = server.New(server.Options{Log: h.Log})
	spec := openapi.New(openapi.Info{Title: "telephony", Version: "test"})
	routes := spec.Router(h.App)
	mount(routes)
	spec.Serve(routes)
	h.checkDocument(spec.JSON())
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = h.App.Listener(h.ln)
	}()
	h.T.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		h.Calls.Drain(events.EndShutdown, "", 0)
		if err := h.Hub.Close(ctx); err != nil {
			h.T.Errorf("streams still open at the end: %v", err)
		}
		_ = h.App.ShutdownWithContext(ctx)
		// fasthttp's Shutdown closes only the listeners Serve has taken: a
		// test shorter than the server's start would leave Serve waiting.
		_ = h.ln.Close()
		<-served
		h.Calls.Wait()
		h.System.Shutdown()
		h.Calls.Close()
	})
}

func (h *Harness) checkDocument(body []byte) {
	h.T.Helper()
	doc, err := openapitest.Parse(body)
	if err != nil {
		h.T.Fatal(err)
	}
	for _, err := range doc.Check() {
		h.T.Error(err)
	}
	if undocumented, unrouted := doc.Compare(h.App.GetRoutes(true)); len(undocumented)+len(unrouted) > 0 {
		h.T.Errorf("undocumented routes %v, unrouted operations %v", undocumented, unrouted)
	}
}

// BaseURL is the harness's real address as an http URL.
func (h *Harness) BaseURL() string { return "http://" + h.Addr }
