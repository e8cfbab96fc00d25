package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/bench"
)

// runBench runs `switchboard bench`: simulated Twilio callers against an
// engine, measured from their side (see package bench).
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o bench.Options
	l := bench.DefaultLatencies
	fs.IntVar(&o.Calls, "calls", envInt("SWITCHBOARD_BENCH_CALLS", 50), "concurrent calls; the ramp's first step (SWITCHBOARD_BENCH_CALLS)")
	fs.DurationVar(&o.Duration, "duration", envDuration("SWITCHBOARD_BENCH_DURATION", 30*time.Second), "length of the run, of the floor's run and of each ramp step (SWITCHBOARD_BENCH_DURATION)")
	fs.BoolVar(&o.Ramp, "ramp", envBool("SWITCHBOARD_BENCH_RAMP"), "raise the calls by half each step until the SLO breaks: p99 of each of the engine's own stage timings ≤ 5 ms (its metrics), ≤ 0.1 % late frames, no errors (SWITCHBOARD_BENCH_RAMP)")
	fs.DurationVar(&o.Soak, "soak", envDuration("SWITCHBOARD_BENCH_SOAK", 0), "hold --calls this long, sampling RSS, Go heap, goroutines, open fds and threads each minute, and report whether they stay flat or level off (SWITCHBOARD_BENCH_SOAK)")
	fs.BoolVar(&o.Speculative, "speculative", envBool("SWITCHBOARD_BENCH_SPECULATIVE"), "run again with speculative replies on and compare turn latency (SWITCHBOARD_BENCH_SPECULATIVE)")
	fs.StringVar(&o.HeapProfiles, "heap-profiles", os.Getenv("SWITCHBOARD_BENCH_HEAP_PROFILES"), "with --soak: a directory to write a heap profile to with each sample, to compare inuse_space over time (SWITCHBOARD_BENCH_HEAP_PROFILES)")
	fs.BoolVar(&o.EngineProcess, "engine-process", envBool("SWITCHBOARD_BENCH_ENGINE_PROCESS"), "run the engine (switchboard serve), the provider fakes (switchboard fakes) and the floor (switchboard floor) each in a process of its own, and report the engine's and the floor's CPU, RSS and goroutines per call alone; without it everything runs in this process (SWITCHBOARD_BENCH_ENGINE_PROCESS)")
	fs.StringVar(&o.Profiles, "engine-profiles", os.Getenv("SWITCHBOARD_BENCH_ENGINE_PROFILES"), "with --engine-process: write the engine's goroutine dump (RUN-goroutine.txt) and heap profile (RUN-heap.prof) at the end of each run's steady state to this directory (SWITCHBOARD_BENCH_ENGINE_PROFILES)")
	fs.StringVar(&o.Carrier, "carrier", envOr("SWITCHBOARD_BENCH_CARRIER", bench.CarrierTwilio), "what the calls come over: twilio (media streams, JSON over a websocket) or sip (a SIP trunk, RTP over UDP, to the engine's SIP listener on loopback; no floor run, not with --target) (SWITCHBOARD_BENCH_CARRIER)")
	noFloor := fs.Bool("no-floor", envBool("SWITCHBOARD_BENCH_NO_FLOOR"), "skip the floor relay's run (SWITCHBOARD_BENCH_NO_FLOOR)")
	cpuProfile := fs.String("cpu-profile", os.Getenv("SWITCHBOARD_BENCH_CPU_PROFILE"), "write a CPU profile of the whole run to this file, for go tool pprof (SWITCHBOARD_BENCH_CPU_PROFILE)")
	asJSON := fs.Bool("json", envBool("SWITCHBOARD_BENCH_JSON"), "print the report as JSON (SWITCHBOARD_BENCH_JSON)")
	htmlPath := fs.String("html", os.Getenv("SWITCHBOARD_BENCH_HTML"), "also write the report as an HTML page of charts to this file: latency histograms, live calls, CPU per call and memory over time (SWITCHBOARD_BENCH_HTML)")
	targets := urlList{urls: splitList(os.Getenv("SWITCHBOARD_BENCH_TARGET"))}
	fs.Var(&targets, "target", "an engine's public URL to call instead of one in this process; several (comma separated, or the flag repeated: a cluster's nodes) share the calls in turn; they must use the fakes at --fakes-addr (SWITCHBOARD_BENCH_TARGET)")
	fs.StringVar(&o.APIKey, "api-key", os.Getenv("SWITCHBOARD_BENCH_API_KEY"), "with --target: an admin API key there, to create the assistants and numbers (SWITCHBOARD_BENCH_API_KEY)")
	fs.StringVar(&o.FakesAddr, "fakes-addr", envOr("SWITCHBOARD_BENCH_FAKES_ADDR", "127.0.0.1:9300"), "with --target: where the provider fakes listen; start the target with the environment `switchboard fakes` prints for this address (SWITCHBOARD_BENCH_FAKES_ADDR)")
	fs.DurationVar(&l.STTEndpoint, "stt-endpoint", envDuration("SWITCHBOARD_BENCH_STT_ENDPOINT", l.STTEndpoint), "recogniser's end of turn after the last word (the assistant's endpointing) (SWITCHBOARD_BENCH_STT_ENDPOINT)")
	fs.DurationVar(&l.STTDelay, "stt-delay", envDuration("SWITCHBOARD_BENCH_STT_DELAY", l.STTDelay), "recogniser's processing delay on every message (SWITCHBOARD_BENCH_STT_DELAY)")
	fs.DurationVar(&l.LLMFirstToken, "llm-first-token", envDuration("SWITCHBOARD_BENCH_LLM_FIRST_TOKEN", l.LLMFirstToken), "model's time to first token (SWITCHBOARD_BENCH_LLM_FIRST_TOKEN)")
	fs.Float64Var(&l.LLMTokensPerSecond, "llm-tokens-per-second", envFloat("SWITCHBOARD_BENCH_LLM_TOKENS_PER_SECOND", l.LLMTokensPerSecond), "model's token rate after the first (SWITCHBOARD_BENCH_LLM_TOKENS_PER_SECOND)")
	fs.DurationVar(&l.TTSFirstByte, "tts-first-byte", envDuration("SWITCHBOARD_BENCH_TTS_FIRST_BYTE", l.TTSFirstByte), "synthesiser's time to first audio (SWITCHBOARD_BENCH_TTS_FIRST_BYTE)")
	fs.Float64Var(&l.TTSSpeed, "tts-speed", envFloat("SWITCHBOARD_BENCH_TTS_SPEED", l.TTSSpeed), "synthesiser's audio rate in multiples of real time (SWITCHBOARD_BENCH_TTS_SPEED)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.Calls <= 0 || o.Duration <= 0 || o.Soak < 0 {
		return fmt.Errorf("%w: --calls and --duration must be positive", errUsage)
	}
	o.Latencies, o.Floor, o.DatabaseURL, o.Targets = l, !*noFloor && o.Carrier != bench.CarrierSIP, databaseURL(), targets.urls
	o.Progress = progressPrinter(stderr)
	if o.EngineProcess {
		if len(o.Targets) > 0 {
			return fmt.Errorf("%w: --engine-process and --target exclude each other", errUsage)
		}
		bin, err := os.Executable()
		if err != nil {
			return fmt.Errorf("--engine-process: %w", err)
		}
		o.Binary = bin
	} else if o.Profiles != "" {
		return fmt.Errorf("%w: --engine-profiles needs --engine-process", errUsage)
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("%w: --cpu-profile: %w", errUsage, err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if o.HeapProfiles != "" {
		runtime.MemProfileRate = 16 << 10 // finer than the default 512 KiB, so that slow growth shows
	}
	rep, err := bench.Run(ctx, o)
	if rep == nil {
		return err
	}
	if *htmlPath != "" {
		if herr := writeHTMLReport(rep, *htmlPath); herr != nil {
			return herr
		}
		fmt.Fprintf(stderr, "charts: %s\n", *htmlPath)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(rep); jerr != nil {
			return jerr
		}
	} else if terr := rep.WriteTable(stdout); terr != nil {
		return terr
	}
	return err
}

// progressPrinter shows the progress on one line rewritten every second
// on a terminal, and as a line every ten seconds elsewhere (logs, make).
func progressPrinter(w io.Writer) func(bench.Progress) {
	f, ok := w.(*os.File)
	terminal := false
	if ok {
		if st, err := f.Stat(); err == nil {
			terminal = st.Mode()&os.ModeCharDevice != 0
		}
	}
	return func(p bench.Progress) {
		switch {
		case terminal:
			fmt.Fprintf(w, "\r\033[K%s", p.Line())
			if p.Elapsed >= p.Duration {
				fmt.Fprintln(w)
			}
		case int(p.Elapsed.Round(time.Second).Seconds())%10 == 0:
			fmt.Fprintln(w, p.Line())
		}
	}
}

// envInt returns the environment variable as an integer, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// writeHTMLReport writes the report's charts to path.
func writeHTMLReport(rep *bench.Report, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	if err := rep.WriteHTML(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("--html: %w", err)
	}
	return f.Close()
}

// urlList is a flag of URLs, comma separated or repeated; its first use
// on the command line replaces the environment's.
type urlList struct {
	urls []string
	set  bool // by the command line
}

func (u *urlList) String() string { return strings.Join(u.urls, ",") }

func (u *urlList) Set(v string) error {
	if !u.set {
		u.urls, u.set = nil, true
	}
	for _, s := range splitList(v) {
		if p, err := url.Parse(s); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("not an http(s) URL: %q", s)
		}
		u.urls = append(u.urls, s)
	}
	return nil
}
