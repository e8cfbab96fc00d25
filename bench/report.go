package bench

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/switchboard-voice/switchboard/metrics"
)

// WriteTable writes the report for people.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "switchboard bench · %s · %s, %d cores, GOMAXPROCS %d, %s\n", r.Date.Format(time.RFC3339), r.Machine.CPU,
		r.Machine.Cores, r.Machine.GOMAXPROCS, r.Machine.Go)
	l := r.Latencies
	fmt.Fprintf(w, "engine: %s · carrier: %s · providers: STT endpoint %v + delay %v, LLM first token %v then %.0f tokens/s, TTS first audio %v at %.1f× real time\n",
		r.Target, r.Carrier, l.STTEndpoint, l.STTDelay, l.LLMFirstToken, l.LLMTokensPerSecond, l.TTSFirstByte, l.TTSSpeed)
	fmt.Fprintf(w, "overhead = turn latency − %v (STT endpoint + STT delay + LLM first token + tokens to the first sentence + TTS first audio)\n\n", r.TurnDelay)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(label string, f func(Result) string) {
		fmt.Fprintf(tw, "%s\t", label)
		for _, run := range r.Runs {
			fmt.Fprintf(tw, "%s\t", f(run))
		}
		fmt.Fprintln(tw)
	}
	row("", func(x Result) string { return x.Name })
	row("concurrent calls", func(x Result) string { return fmt.Sprint(x.Calls) })
	row("calls started / completed", func(x Result) string { return fmt.Sprintf("%d / %d", x.CallsStarted, x.CallsCompleted) })
	dist := func(name string, get func(Result) Summary) {
		row(name+" (n)", func(x Result) string { return fmt.Sprint(get(x).Count) })
		for _, q := range []struct {
			name string
			f    func(Summary) time.Duration
		}{{"p50", func(s Summary) time.Duration { return s.P50 }}, {"p95", func(s Summary) time.Duration { return s.P95 }},
			{"p99", func(s Summary) time.Duration { return s.P99 }}, {"max", func(s Summary) time.Duration { return s.Max }}} {
			row("  "+q.name, func(x Result) string {
				if get(x).Count == 0 {
					return "–"
				}
				return ms(q.f(get(x)))
			})
		}
	}
	dist("turn latency", func(x Result) Summary { return x.Turns })
	dist("engine overhead", func(x Result) Summary { return x.Overhead })
	dist("barge-in → clear", func(x Result) Summary { return x.BargeIns })
	dist("answer after barge-in", func(x Result) Summary { return x.AfterBargeIn })
	dist("frame jitter", func(x Result) Summary { return x.Pacing.Jitter })
	row("frames received", func(x Result) string { return fmt.Sprint(x.Pacing.Frames) })
	row("late frames", func(x Result) string { return fmt.Sprintf("%d (%.3f %%)", x.Pacing.Late, 100*x.Pacing.LateRatio()) })
	row("underruns / missing frames", func(x Result) string {
		return fmt.Sprintf("%d / %d", x.Pacing.Underruns, x.Pacing.MissingFrames)
	})
	row("CPU (steady state)", func(x Result) string { return fmt.Sprintf("%.0f %%", x.Resources.CPUPercent) })
	row("CPU per call", func(x Result) string { return fmt.Sprintf("%.2f %% core", x.Resources.CPUPerCall/1e4) })
	row("RSS", func(x Result) string { return mib(x.Resources.RSS) })
	row("RSS per call", func(x Result) string { return fmt.Sprintf("%d KB", x.Resources.RSSPerCall>>10) })
	row("goroutines (per call: mean, peak)", func(x Result) string {
		return fmt.Sprintf("%d (%.1f, %.1f)", x.Resources.Goroutines, x.Resources.GoroutinesPerCall, x.Resources.GoroutinesPeakPerCall)
	})
	if len(r.Runs) > 0 && len(r.Runs[0].Resources.Processes) > 0 {
		proc := func(x Result) (Resources, bool) {
			if len(x.Resources.Processes) == 0 {
				return Resources{}, false
			}
			return x.Resources.Processes[0], true
		}
		cell := func(f func(Resources) string) func(Result) string {
			return func(x Result) string {
				if p, ok := proc(x); ok {
					return f(p)
				}
				return "–"
			}
		}
		row("own process", cell(func(p Resources) string { return p.Name }))
		row("  CPU (steady state)", cell(func(p Resources) string { return fmt.Sprintf("%.0f %%", p.CPUPercent) }))
		row("  CPU per call-second", cell(func(p Resources) string { return fmt.Sprintf("%.2f ms", p.CPUPerCall/1e3) }))
		row("  RSS", cell(func(p Resources) string { return mib(p.RSS) }))
		row("  RSS per call", cell(func(p Resources) string { return fmt.Sprintf("%d KB", p.RSSPerCall>>10) }))
		row("    of which Go heap / stacks", cell(func(p Resources) string {
			return fmt.Sprintf("%d / %d KB", p.HeapPerCall>>10, p.StacksPerCall>>10)
		}))
		row("  goroutines (per call: mean, peak)", cell(func(p Resources) string {
			return fmt.Sprintf("%d (%.1f, %.1f)", p.Goroutines, p.GoroutinesPerCall, p.GoroutinesPeakPerCall)
		}))
	}
	for i, stage := range stageStages {
		if len(r.Runs) == 0 || len(r.Runs[0].Stages) <= i {
			break
		}
		get := func(x Result) (StageSummary, bool) {
			if len(x.Stages) <= i || x.Stages[i].Count == 0 {
				return StageSummary{}, false
			}
			return x.Stages[i], true
		}
		row("engine stage "+stageLabels[stage]+" (n)", func(x Result) string {
			if len(x.Stages) <= i {
				return "–"
			}
			return fmt.Sprint(x.Stages[i].Count)
		})
		for _, q := range []struct {
			name string
			f    func(StageSummary) time.Duration
		}{{"p50", func(s StageSummary) time.Duration { return s.P50 }}, {"p99", func(s StageSummary) time.Duration { return s.P99 }}} {
			row("  "+q.name, func(x Result) string {
				s, ok := get(x)
				switch {
				case !ok:
					return "–"
				case s.Beyond && q.name == "p99":
					return "> " + ms(q.f(s))
				}
				return "≤ " + ms(q.f(s))
			})
		}
	}
	row("errors", func(x Result) string { return fmt.Sprint(total(x.Errors)) })
	if err := tw.Flush(); err != nil {
		return err
	}

	if r.FloorRatio > 0 {
		fmt.Fprintf(w, "\nCPU per call, engine ÷ floor: %.2f×", r.FloorRatio)
		switch r.Target {
		case "in-process":
		case TargetProcess:
			fmt.Fprint(w, " (each in its own process: the engine's alone ÷ the floor's alone)")
		default:
			fmt.Fprint(w, " (the engine ran elsewhere: these are the bench's own callers and fakes)")
		}
		fmt.Fprintln(w)
	}
	if len(r.Runs) > 1 && r.Runs[1].Speculative && r.Runs[0].Turns.Count > 0 && r.Runs[1].Turns.Count > 0 {
		fmt.Fprintf(w, "speculative replies: turn latency p50 %s → %s (saves %s)\n", ms(r.Runs[0].Turns.P50), ms(r.Runs[1].Turns.P50),
			ms(r.Runs[0].Turns.P50-r.Runs[1].Turns.P50))
	}
	if r.Ramp != nil {
		if r.Ramp.Held == 0 {
			fmt.Fprint(w, "ramp: no step held the SLO (p99 of each engine stage ≤ 5 ms, ≤ 0.1 % late frames, no errors)")
		} else {
			fmt.Fprintf(w, "ramp: %d concurrent calls held the SLO (p99 of each engine stage ≤ 5 ms, ≤ 0.1 %% late frames, no errors)", r.Ramp.Held)
		}
		switch {
		case r.Ramp.Broke != "" && r.Ramp.Held == 0:
			fmt.Fprintf(w, "; the first step broke it: %s", r.Ramp.Broke)
		case r.Ramp.Broke != "":
			fmt.Fprintf(w, "; the step after broke it: %s", r.Ramp.Broke)
		}
		fmt.Fprintln(w)
	}
	if s := r.Soak; s != nil {
		writeSoak(w, s)
	}
	for _, run := range r.Runs {
		for _, k := range slices.Sorted(maps.Keys(run.Errors)) {
			fmt.Fprintf(w, "error in %s: %dx %s\n", run.Name, run.Errors[k], k)
		}
	}
	return nil
}

// stageLabels name the engine's stages in the table.
var stageLabels = map[string]string{
	metrics.StageEndOfTurn: "end of turn → model request",
	metrics.StageAudio:     "first audio → first frame",
	metrics.StageBargeIn:   "barge-in → clear",
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Line is a one-line account of a running run, for a progress display.
func (p Progress) Line() string {
	return strings.Join([]string{
		fmt.Sprintf("%s %3.0f/%.0fs", p.Name, p.Elapsed.Seconds(), p.Duration.Seconds()),
		fmt.Sprintf("%d calls up", p.Live),
		fmt.Sprintf("%d turns", p.Turns),
		fmt.Sprintf("%d errors", p.Errors),
		fmt.Sprintf("CPU %.0f %%", p.CPUPercent),
		"RSS " + mib(p.RSS),
	}, " · ")
}
