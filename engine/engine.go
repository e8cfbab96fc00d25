// Package engine assembles a running Switchboard from its parts: the actor
// system, the assistant registry, the store, the call manager with its
// providers and record writer, the webhook dispatcher, the post-call
// analysis worker and the HTTP application. The serve command, the integration tests and the
// benchmarks all build it here.
package engine

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-voice/switchboard/actors"
	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/analysis"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/api"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/internal/netguard"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/live"
	"github.com/switchboard-voice/switchboard/metrics"
	"github.com/switchboard-voice/switchboard/nodes"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/privacy"
	"github.com/switchboard-voice/switchboard/providers"
	"github.com/switchboard-voice/switchboard/records"
	"github.com/switchboard-voice/switchboard/routing"
	"github.com/switchboard-voice/switchboard/tools"
	"github.com/switchboard-voice/switchboard/webhooks"
)

// Config is what an engine is built from. The pool must be migrated.
type Config struct {
	Log    *slog.Logger
	Pool   *pgxpool.Pool
	Sealer assistant.Sealer
	// Secret keys what the engine signs: media-stream tickets, web call
	// tokens, recording links (at least 32 random bytes).
	Secret []byte
	// PublicURL is where carriers and webhook consumers reach the engine
	// (https://host[:port][/prefix]), exactly as carriers are configured.
	PublicURL string
	// DataDir holds what the engine keeps on local disk: the spill file of
	// call records written while the database is away, recordings and
	// uploaded background sounds.
	DataDir string
	// Getenv reads provider keys, endpoints and limits from the
	// environment (see package providers); nil reads none.
	Getenv func(string) string
	// CarrierAPIs override carriers' REST API base URLs, by carrier
	// (twilio, telnyx, vonage, plivo), e.g. to reach a fake.
	CarrierAPIs map[string]string
	// AllowPrivateURLs lets webhooks, custom tools and sound URLs reach
	// loopback and private addresses (tests, single-network deployments).
	AllowPrivateURLs bool
	// SIPAddr, when set, is where the SIP trunk listener takes calls (UDP
	// and TCP, host:port); SIPMediaAddr is the address RTP is received on
	// and advertised in SDP (the SIP address's host when empty).
	SIPAddr      string
	SIPMediaAddr string
	// SIPTLS, with its Addr set, also takes SIP over TLS and places
	// calls through trunks whose transport is tls (needs SIPAddr).
	SIPTLS SIPTLS
	Clock  clock.Clock // nil: the real clock
	// Node names the machine (one engine process per node): a new start
	// of a node closes the calls its earlier runs left in progress. The
	// host name when empty.
	Node string
	// Webhooks tune the dispatcher; its store, secrets, clock, client and
	// log are the engine's.
	Webhooks webhooks.Options
	// Cluster makes this engine a node of a cluster of engines on the
	// same database (package nodes); its zero value runs the engine alone.
	// Its Log and Kinds are the engine's.
	Cluster nodes.Config
	// Analysis tunes the post-call analysis worker (its slots, retries);
	// its store, assistants, models, clock, log and metrics are the
	// engine's.
	Analysis analysis.Options
	// Knowledge tunes the document processing worker (its slots,
	// retries); its queue, assistants, embedders, clock, log and metrics
	// are the engine's.
	Knowledge knowledge.WorkerOptions
}

// Engine is a wired Switchboard.
type Engine struct {
	Log           *slog.Logger
	App           *fiber.App
	System        *actor.ActorSystem
	Store         *persistence.Store
	Assistants    *assistants.Registry
	Organizations *organization.Directory
	Providers     *providers.Set
	Calls         *call.Manager
	Records       *records.Writer
	Webhooks      *webhooks.Dispatcher
	Analysis      *analysis.Worker
	Documents     *knowledge.Worker    // processes uploaded documents
	Knowledge     *knowledge.Retriever // searches them on calls
	Private       *privacy.Purger
	Metrics       *vm.Set
	Live          *live.Hub
	Sounds        *ambience.Library
	Streams       *telephony.Hub // the carriers' live media sockets
	Gateways      Gateways
	Boot          persistence.BootID // this run of the engine: the owner of its calls
	Node          *nodes.Node        // this engine's membership in its cluster; nil when alone

	feed *nodes.ConfigFeed // assistant changes to and from the other nodes

	cfg      Config
	draining atomic.Bool
	stop     context.CancelFunc // the dispatcher's, the analysis worker's and the purger's
	done     sync.WaitGroup
	shutdown sync.Once
	stopErr  error
}

// New builds an engine and starts its background work (the webhook
// dispatcher, the analysis worker); Serve accepts connections, Shutdown
// stops it all.
func New(cfg Config) (*Engine, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("engine: the secret must be at least 32 bytes")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("engine: data directory: %w", err)
	}
	store := persistence.NewStore(cfg.Pool)
	sys := actors.NewSystem(cfg.Log)
	set := vm.NewSet()
	overhead := metrics.NewOverhead(set)
	boot := persistence.NewBootID()
	bctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := store.CheckSecretKey(bctx, cfg.Sealer); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if err := store.StartBoot(bctx, boot, node(cfg.Node)); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := &Engine{
		Boot:          boot,
		cfg:           cfg,
		Log:           cfg.Log,
		App:           server.New(server.Options{Log: cfg.Log, BodyLimit: maxBody}),
		System:        sys,
		Store:         store,
		Assistants:    assistants.NewRegistry(sys, store, cfg.Sealer),
		Organizations: organization.NewDirectory(store, cfg.Sealer),
		Metrics:       set,
		Live:          live.NewHub(),
		Streams:       telephony.NewHub(overhead),
	}
	outbound := e.tenantClient()
	links := &api.RecordingLinks{Base: cfg.PublicURL, Key: derive(cfg.Secret, "recording links"), TTL: recordingLinkTTL}
	wo := cfg.Webhooks
	wo.Store, wo.Secrets, wo.Clock, wo.Log, wo.Metrics = store, e.Organizations, cfg.Clock, cfg.Log, set
	wo.Assistants = assistantConfigs{e.Assistants, analysis.ErrNoAssistant}
	wo.Variables = &routing.Directory{Store: store, Sealer: cfg.Sealer}
	wo.Recordings = recordingLinks{store: store, links: links}
	if wo.Client == nil {
		wo.Client = &http.Client{Transport: outbound.Transport, CheckRedirect: noRedirects}
	}
	e.Webhooks = webhooks.New(wo)
	e.Providers = providers.New(providers.Config{Organizations: e.Organizations, Getenv: cfg.Getenv, Log: cfg.Log,
		Clock: cfg.Clock, AllowPrivateURLs: cfg.AllowPrivateURLs})
	ao := cfg.Analysis
	ao.Store, ao.Configs, ao.Models, ao.Clock, ao.Log, ao.Metrics = store, assistantConfigs{e.Assistants, analysis.ErrNoAssistant}, e.Providers, cfg.Clock, cfg.Log, e.Metrics
	e.Private = privacy.NewPurger(store, cfg.Clock, cfg.Log)
	ao.Finished = func() { e.Webhooks.Kick(); e.Private.Kick() } // the report waiting for the analysis; a private call's words
	e.Analysis = analysis.New(ao)
	e.Knowledge = knowledge.NewRetriever(knowledge.RetrieverOptions{Chunks: store, Embedders: e.Providers, Clock: cfg.Clock, Log: cfg.Log})
	ko := cfg.Knowledge
	ko.Queue, ko.Configs, ko.Embedders, ko.Clock, ko.Log, ko.Metrics = store, assistantConfigs{e.Assistants, knowledge.ErrNoAssistant}, e.Providers, cfg.Clock, cfg.Log, e.Metrics
	ko.Changed = e.Knowledge.Invalidate
	e.Documents = knowledge.NewWorker(ko)
	var err error
	e.Records, err = records.New(records.Options{Store: store, SpillPath: filepath.Join(cfg.DataDir, "records.spill"),
		Clock: cfg.Clock, Log: cfg.Log, Boot: string(boot), Written: func() { e.Webhooks.Kick(); e.Analysis.Kick(); e.Private.Kick() }})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if e.Sounds, err = ambience.NewLibrary(ambience.LibraryOptions{Dir: filepath.Join(cfg.DataDir, "sounds"), Client: outbound, Shared: sharedSounds{store}}); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	recordings := filepath.Join(cfg.DataDir, "recordings")
	runner := &tools.Runner{Client: outbound, Knowledge: e.Knowledge, Log: cfg.Log,
		Webhook: toolWebhook{hooks: e.Webhooks, assistants: e.Assistants}}
	e.Calls = call.NewManager(call.Deps{
		System:         sys,
		Assistants:     e.Assistants,
		Providers:      e.Providers,
		Tools:          runner,
		Requests:       assistantRequests{hooks: e.Webhooks, sealer: cfg.Sealer, log: cfg.Log},
		Knowledge:      e.Knowledge,
		Sinks:          []events.Sink{e.Records, metrics.NewCalls(e.Metrics), e.Live},
		RecordingsRoot: recordings,
		Recordings:     recordingFiles{root: recordings, w: e.Records},
		Sounds:         e.Sounds,
		Clock:          cfg.Clock,
		Timings:        overhead,
		Log:            cfg.Log,
	})
	if err := e.buildGateways(); err != nil {
		return nil, err
	}
	runner.SMS = texter{carriers: map[string]telephony.Texter{telephony.Twilio: e.Gateways.Twilio, telephony.Telnyx: e.Gateways.Telnyx}}
	e.registerMetrics()

	others, err := e.join(recordings)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	spec := openapi.New(api.Info)
	routes := spec.Router(e.App)
	api.MountHealth(routes, func(ctx context.Context) error {
		if e.draining.Load() {
			return errDraining
		}
		return cfg.Pool.Ping(ctx)
	})
	api.New(api.Deps{
		Log:           cfg.Log,
		Assistants:    e.Assistants,
		Store:         store,
		Organizations: e.Organizations,
		Sealer:        cfg.Sealer,
		Authenticator: auth.NewAuthenticator(store),
		Keys:          store,
		Providers:     e.Providers,
		Audit:         store,
		Stats:         store,
		Calls:         store,
		Analytics:     store,
		LiveCalls:     e.Calls,
		Watchers:      e.Live,
		Nodes:         others,
		Placed:        e.Records,
		Dialer: dialer{store: store, sealer: cfg.Sealer, carriers: map[string]telephony.Dialer{telephony.Twilio: e.Gateways.Twilio,
			telephony.Telnyx: e.Gateways.Telnyx, telephony.Vonage: e.Gateways.Vonage, telephony.Plivo: e.Gateways.Plivo},
			trunks: e.trunkDialer()},
		Recordings:     store,
		RecordingsRoot: recordings,
		Links:          links,
		Sounds:         e.Sounds,
		WebCalls:       e.Gateways.Web,
		Documents:      store,
		Knowledge:      knowledgeEvents{e},
		DocumentClient: outbound,

		AllowPrivateURLs: cfg.AllowPrivateURLs,
	}).Mount(routes)
	e.Gateways.mount(routes)
	spec.Serve(routes) // last: the document describes the routes registered before it

	ctx, stop := context.WithCancel(context.Background())
	e.stop = stop
	e.done.Go(func() { e.Webhooks.Run(ctx) })
	e.done.Go(func() { e.Analysis.Run(ctx) })
	e.done.Go(func() { e.Documents.Run(ctx) })
	e.done.Go(func() { e.Private.Run(ctx) })
	e.done.Go(func() { e.beat(ctx) })
	e.done.Go(func() { e.closeOrphans(ctx) })
	e.done.Go(func() { e.shareSounds(ctx) })
	e.done.Go(func() { e.watchMembers(ctx) })
	return e, nil
}

// assistantConfigs gives background workers assistants' configurations;
// gone is the worker's own error for an assistant that no longer exists.
type assistantConfigs struct {
	reg  *assistants.Registry
	gone error
}

func (a assistantConfigs) AssistantConfig(ctx context.Context, orgID, id int64) (assistant.Config, error) {
	snap, err := a.reg.Get(ctx, orgID, id)
	if errors.Is(err, assistants.ErrNotFound) {
		return assistant.Config{}, a.gone
	}
	if err != nil {
		return assistant.Config{}, err
	}
	return snap.Config, nil
}

// AssistantWebhookSecret gives the dispatcher an assistant's own webhook
// secret; "" when it has none or is gone (the organization's signs).
func (a assistantConfigs) AssistantWebhookSecret(ctx context.Context, orgID, id int64) (string, error) {
	snap, err := a.reg.Get(ctx, orgID, id)
	if errors.Is(err, assistants.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return ptr.Value(snap.Config.WebhookSettings.Secret), nil
}

// knowledgeEvents tells the document worker and the retriever of the
// API's document changes.
type knowledgeEvents struct{ e *Engine }

func (k knowledgeEvents) Queued()                     { k.e.Documents.Kick() }
func (k knowledgeEvents) Changed(baseID, owner int64) { k.e.Knowledge.Invalidate(baseID, owner) }

// maxBody is the largest request body: a document upload
// (knowledge.MaxFileBytes, 20 MiB) and its multipart framing.
const maxBody = knowledge.MaxFileBytes + 1<<20

// recordingLinkTTL is how long a webhook's recording link works.
const recordingLinkTTL = 7 * 24 * time.Hour

// derive is a key for one purpose, from the engine's secret.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// tenantClient makes the requests tenants' settings point at (webhooks,
// custom tools, sound URLs): public addresses only, unless allowed.
func (e *Engine) tenantClient() *http.Client {
	if e.cfg.AllowPrivateURLs {
		return &http.Client{Transport: http.DefaultTransport}
	}
	return &http.Client{Transport: netguard.Transport()}
}

// noRedirects keeps a webhook where it was sent: a redirect would carry
// the signed body elsewhere.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

var errDraining = errors.New("engine: draining")

// registerMetrics exposes the record writer's backlog.
func (e *Engine) registerMetrics() {
	e.Metrics.NewGauge("switchboard_records_queue_depth", func() float64 { return float64(e.Records.QueueDepth()) })
	e.Metrics.NewGauge("switchboard_records_spill_bytes", func() float64 { return float64(e.Records.SpillBytes()) })
	e.Metrics.NewGauge("switchboard_records_dropped", func() float64 { return float64(e.Records.Dropped()) })
}

// MetricsHandler serves the metrics in Prometheus' text format. It is kept
// off the public API port: serve it on an internal address.
func (e *Engine) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", metrics.ContentType)
		metrics.Write(w, e.Metrics)
	})
}

// Serve accepts HTTP connections on ln until Shutdown.
func (e *Engine) Serve(ln net.Listener) error {
	return e.App.Listener(ln)
}

// Shutdown drains the engine: readiness fails at once and new calls are
// refused; live calls may finish until the drain deadline (ctx's), less a
// margin in which the rest are ended with goodbye; then call records are
// written (or spilled), due webhooks are sent, and everything stops:
// analyses still running are handed back to the queue, for this node's
// next start or another node. Only the first call does anything.
func (e *Engine) Shutdown(ctx context.Context, goodbye string) error {
	e.shutdown.Do(func() { e.stopErr = e.drain(ctx, goodbye) })
	return e.stopErr
}
