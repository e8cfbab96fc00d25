package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/analysis"
	"github.com/switchboard-voice/switchboard/demo"
	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/nodes"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/secrets"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr("SWITCHBOARD_ADDR", "127.0.0.1:8080"), "listen address (SWITCHBOARD_ADDR)")
	publicURL := fs.String("public-url", os.Getenv("SWITCHBOARD_PUBLIC_URL"), "where carriers reach this engine, as they are configured (https://host[:port][/prefix]); default http://ADDR (SWITCHBOARD_PUBLIC_URL)")
	allowPrivate := fs.Bool("allow-private-urls", envBool("SWITCHBOARD_ALLOW_PRIVATE_URLS"), "let webhooks, custom tools, sound URLs and assistants' provider base_url reach loopback and private addresses (SWITCHBOARD_ALLOW_PRIVATE_URLS)")
	metricsAddr := fs.String("metrics-addr", envOr("SWITCHBOARD_METRICS_ADDR", "127.0.0.1:9091"), "where /metrics is served, apart from the API; empty for nowhere (SWITCHBOARD_METRICS_ADDR)")
	profiling := fs.Bool("pprof", envBool("SWITCHBOARD_PPROF"), "also serve Go's profiles (/debug/pprof/) on the metrics address, which must then stay private (SWITCHBOARD_PPROF)")
	dataDir := fs.String("data-dir", envOr("SWITCHBOARD_DATA_DIR", "data"), "local data: spilled call records, recordings, uploaded sounds (SWITCHBOARD_DATA_DIR)")
	drain := fs.Duration("drain-timeout", envDuration("SWITCHBOARD_DRAIN_TIMEOUT", 30*time.Second), "on SIGTERM, how long live calls may go on before they are ended (SWITCHBOARD_DRAIN_TIMEOUT)")
	goodbye := fs.String("drain-goodbye", envOr("SWITCHBOARD_DRAIN_GOODBYE", engine.DefaultGoodbye), "what calls still live at the drain deadline hear (SWITCHBOARD_DRAIN_GOODBYE)")
	nodeName := fs.String("node", os.Getenv("SWITCHBOARD_NODE"), "this node's name, one engine process per node; the host name when empty (SWITCHBOARD_NODE)")
	analysisWorkers := fs.Int("analysis-workers", envInt("SWITCHBOARD_ANALYSIS_WORKERS", 4), "post-call analyses this node runs at once (SWITCHBOARD_ANALYSIS_WORKERS)")
	sipAddr := fs.String("sip-addr", os.Getenv("SWITCHBOARD_SIP_ADDR"), "where SIP trunks' calls are taken, UDP and TCP (host:port, e.g. 0.0.0.0:5060); empty for no SIP listener (SWITCHBOARD_SIP_ADDR)")
	sipMedia := fs.String("sip-media-addr", os.Getenv("SWITCHBOARD_SIP_MEDIA_ADDR"), "the IP address RTP is received on and advertised in SDP; default the -sip-addr host, required when that is 0.0.0.0 (SWITCHBOARD_SIP_MEDIA_ADDR)")
	var sipTLS engine.SIPTLS
	fs.StringVar(&sipTLS.Addr, "sip-tls-addr", os.Getenv("SWITCHBOARD_SIP_TLS_ADDR"), "where SIP trunks' calls are also taken over TLS (host:port, e.g. 0.0.0.0:5061; needs -sip-addr, -sip-tls-cert and -sip-tls-key); trunks with outbound_transport tls need it; empty for none (SWITCHBOARD_SIP_TLS_ADDR)")
	fs.StringVar(&sipTLS.CertFile, "sip-tls-cert", os.Getenv("SWITCHBOARD_SIP_TLS_CERT"), "the SIP TLS listener's certificate chain, a PEM file (SWITCHBOARD_SIP_TLS_CERT)")
	fs.StringVar(&sipTLS.KeyFile, "sip-tls-key", os.Getenv("SWITCHBOARD_SIP_TLS_KEY"), "the SIP TLS listener's private key, a PEM file (SWITCHBOARD_SIP_TLS_KEY)")
	fs.StringVar(&sipTLS.CAFile, "sip-tls-ca", os.Getenv("SWITCHBOARD_SIP_TLS_CA"), "a PEM bundle of authorities trusted beside the system's to verify trunks reached over TLS; empty for the system's alone (SWITCHBOARD_SIP_TLS_CA)")
	demoMode := fs.String("demo", envOr("SWITCHBOARD_DEMO", "auto"), "run on built-in provider fakes with a demo assistant: auto (when no provider key is set), on or off (SWITCHBOARD_DEMO)")
	clusterProvider := fs.String("cluster", envOr("SWITCHBOARD_CLUSTER", "none"), "join a cluster of engines on this database: none, etcd or kubernetes (SWITCHBOARD_CLUSTER)")
	clusterName := fs.String("cluster-name", envOr("SWITCHBOARD_CLUSTER_NAME", nodes.DefaultName), "the cluster this node joins (SWITCHBOARD_CLUSTER_NAME)")
	clusterAddr := fs.String("cluster-addr", envOr("SWITCHBOARD_CLUSTER_ADDR", "127.0.0.1:0"), "this node's cluster (gRPC) address, host:port; port 0 picks one (SWITCHBOARD_CLUSTER_ADDR)")
	clusterAdvertise := fs.String("cluster-advertise", os.Getenv("SWITCHBOARD_CLUSTER_ADVERTISE"), "host:port the other nodes reach this one at, when not -cluster-addr (SWITCHBOARD_CLUSTER_ADVERTISE)")
	etcdEndpoints := fs.String("etcd-endpoints", envOr("SWITCHBOARD_ETCD_ENDPOINTS", "127.0.0.1:2379"), "with -cluster etcd: etcd's client addresses, comma separated (SWITCHBOARD_ETCD_ENDPOINTS)")
	etcdPrefix := fs.String("etcd-prefix", envOr("SWITCHBOARD_ETCD_PREFIX", "/switchboard"), "with -cluster etcd: the key the members are listed under (SWITCHBOARD_ETCD_PREFIX)")
	gcPercent := fs.Int("gc-percent", envInt("SWITCHBOARD_GC_PERCENT", defaultGCPercent(os.Getenv)), "the garbage collector's GOGC: how far the heap grows past what is live before a collection, in percent; lower trades CPU for memory per call; 0 leaves Go's (GOGC, else 100); default 25, or 0 when GOGC is set (SWITCHBOARD_GC_PERCENT)")
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *analysisWorkers < 1 {
		return fmt.Errorf("%w: -analysis-workers must be at least 1", errUsage)
	}
	if *gcPercent < 0 {
		return fmt.Errorf("%w: -gc-percent must be at least 1, or 0 for Go's setting", errUsage)
	}
	if *gcPercent > 0 {
		debug.SetGCPercent(*gcPercent)
	}
	log, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	provider, err := nodes.ParseProvider(*clusterProvider)
	if err != nil {
		return fmt.Errorf("%w: -cluster: %w", errUsage, err)
	}
	clusterCfg := nodes.Config{Provider: provider, Name: *clusterName, Listen: *clusterAddr, Advertise: *clusterAdvertise,
		EtcdEndpoints: splitList(*etcdEndpoints), EtcdPrefix: *etcdPrefix}
	rawKey := os.Getenv("SWITCHBOARD_SECRET_KEY")
	if rawKey == "" {
		return fmt.Errorf("%w: SWITCHBOARD_SECRET_KEY is not set: it encrypts provider credentials at rest (32 bytes as base64; `make run` generates one)", errUsage)
	}
	key, err := secrets.ParseKey(rawKey)
	if err != nil {
		return fmt.Errorf("%w: SWITCHBOARD_SECRET_KEY: %w", errUsage, err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		return err
	}

	pool, err := persistence.Open(ctx, databaseURL())
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := persistence.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log.Info("applied migrations", "versions", applied)
	}
	demoOn, err := wantDemo(*demoMode, os.Getenv)
	if err != nil {
		return err
	}
	getenv, apis := os.Getenv, carrierAPIs()
	if demoOn {
		dp, err := startDemoProviders()
		if err != nil {
			return err
		}
		defer dp.Close()
		getenv = dp.getenv
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	base := "http://" + ln.Addr().String()
	if *publicURL == "" {
		*publicURL = base
	}
	if demoOn && apis["twilio"] == "" {
		carrier, err := demo.StartCarrier(demo.CarrierConfig{Engine: base, Public: *publicURL,
			Softphone: "http://" + softphoneAPI(), Log: log})
		if err != nil {
			_ = ln.Close()
			return err
		}
		defer carrier.Close()
		apis["twilio"] = carrier.URL()
	}
	eng, err := engine.New(engine.Config{Log: log, Pool: pool, Sealer: box, Secret: key, PublicURL: *publicURL,
		DataDir: *dataDir, Node: *nodeName, Getenv: getenv, CarrierAPIs: apis, AllowPrivateURLs: *allowPrivate,
		SIPAddr: *sipAddr, SIPMediaAddr: *sipMedia, SIPTLS: sipTLS,
		Analysis: analysis.Options{Workers: *analysisWorkers}, Cluster: clusterCfg})
	if errors.Is(err, persistence.ErrWrongSecretKey) {
		_ = ln.Close()
		return fmt.Errorf("SWITCHBOARD_SECRET_KEY is not the key the secrets in database %s were sealed with: start with that key (`make run` keeps it in .local/secret.key): %w",
			pool.Config().ConnConfig.Database, err)
	}
	if err != nil {
		_ = ln.Close()
		return err
	}
	log.Info("switchboard serving", "version", version, "addr", ln.Addr().String())
	db := pool.Config().ConnConfig
	fmt.Fprintf(stdout, "Switchboard %s listening on %s\n  API       %s/api/v1  (OpenAPI: %s/openapi.json)\n  carriers  %s/telephony/{twilio,telnyx,vonage,plivo,web}/…\n  health    %s/healthz  %s/readyz\n  database  %s on %s:%d (DATABASE_URL)\n",
		version, base, base, base, *publicURL, base, base, db.Database, db.Host, db.Port)
	if eng.Node != nil {
		fmt.Fprintf(stdout, "  cluster   %s through %s, node %s\n", *clusterName, provider, eng.Node.Address())
	}

	if eng.Gateways.SIP != nil {
		fmt.Fprintf(stdout, "  SIP       %s (UDP and TCP)\n", eng.Gateways.SIP.Addr())
		if a := eng.Gateways.SIP.TLSAddr(); a != nil {
			fmt.Fprintf(stdout, "  SIP TLS   %s\n", a)
		}
	}
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", *metricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", eng.MetricsHandler())
		if *profiling {
			mux.HandleFunc("GET /debug/pprof/", pprof.Index)
			mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		}
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		fmt.Fprintf(stdout, "  metrics http://%s/metrics\n", mln.Addr())
	}
	served := make(chan error, 1)
	go func() { served <- eng.Serve(ln) }()
	if demoOn {
		if err := setUpDemo(ctx, eng, stdout); err != nil {
			log.Error("demo not set up", "err", err)
		}
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("draining", "timeout", *drain)
	sctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	if err := eng.Shutdown(sctx, *goodbye); err != nil {
		return err
	}
	return <-served
}

// carrierAPIs are the carriers' REST API base URLs the environment
// overrides (SWITCHBOARD_TWILIO_API_URL…), e.g. to reach a fake.
func carrierAPIs() map[string]string {
	out := map[string]string{}
	for _, c := range []string{"twilio", "telnyx", "vonage", "plivo"} {
		if u := os.Getenv("SWITCHBOARD_" + strings.ToUpper(c) + "_API_URL"); u != "" {
			out[c] = u
		}
	}
	return out
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// gcPercent is serve's default collector target: a quarter of Go's. Since
// a call allocates half what it did (internal/fifo's chunks), collecting
// at a quarter costs what collecting at half did: at 200 calls the
// engine's memory per call went from ~232 to ~189 KB for the same CPU per
// call-second (BENCHMARKS.md, "Memory per call, and the collector at 25
// (issue 18, sixth session)"). A GOGC in the environment is the operator's
// choice and stays.
const gcPercent = 25

func defaultGCPercent(getenv func(string) string) int {
	if getenv("GOGC") != "" {
		return 0
	}
	return gcPercent
}
