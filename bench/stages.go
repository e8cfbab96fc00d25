package bench

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/switchboard-voice/switchboard/metrics"
)

// StageSummary is one of the engine's own stage timings over a run, read
// from its histogram (metrics.OverheadName): the quantiles are the upper
// bounds of the buckets they fall in, so "p99 ≤ 5 ms" reads off directly.
type StageSummary struct {
	Stage string `json:"stage"`
	Count int64  `json:"count"`
	// P50 and P99 are bucket upper bounds; Beyond when a quantile fell
	// past the last bound.
	P50    time.Duration `json:"p50_ns"`
	P99    time.Duration `json:"p99_ns"`
	Beyond bool          `json:"beyond_last_bucket,omitempty"`
}

// stageStages are the stages, in the order reported.
var stageStages = []string{metrics.StageEndOfTurn, metrics.StageAudio, metrics.StageBargeIn}

// stageCounts are the cumulative bucket counts of each stage, by upper
// bound (+Inf as math.Inf).
type stageCounts map[string]map[float64]int64

// readStages reads the engine's stage histograms now; nil without an
// engine (the floor) or when they cannot be read.
func (s *system) readStages() stageCounts {
	if s.stages == nil {
		return nil
	}
	b, err := s.stages()
	if err != nil {
		return nil
	}
	return parseStages(b)
}

// parseStages reads lines like
//
//	switchboard_engine_overhead_seconds_bucket{stage="audio_to_frame",le="0.005"} 12
func parseStages(text []byte) stageCounts {
	out := stageCounts{}
	prefix := []byte(metrics.OverheadName + `_bucket{stage="`)
	for line := range bytes.Lines(text) {
		rest, ok := bytes.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		stage, rest, ok := bytes.Cut(rest, []byte(`",le="`))
		if !ok {
			continue
		}
		le, rest, ok := bytes.Cut(rest, []byte(`"} `))
		if !ok {
			continue
		}
		bound, err := strconv.ParseFloat(string(le), 64) // "+Inf" parses as +Inf
		n, err2 := strconv.ParseInt(string(bytes.TrimSpace(rest)), 10, 64)
		if err != nil || err2 != nil {
			continue
		}
		if out[string(stage)] == nil {
			out[string(stage)] = map[float64]int64{}
		}
		out[string(stage)][bound] = n
	}
	return out
}

// since is what was counted after before.
func (c stageCounts) since(before stageCounts) stageCounts {
	if c == nil {
		return nil
	}
	out := stageCounts{}
	for stage, buckets := range c {
		out[stage] = map[float64]int64{}
		for le, n := range buckets {
			out[stage][le] = n - before[stage][le]
		}
	}
	return out
}

// summaries are each stage's count and quantiles.
func (c stageCounts) summaries() []StageSummary {
	if c == nil {
		return nil
	}
	var out []StageSummary
	for _, stage := range stageStages {
		buckets := c[stage]
		bounds := make([]float64, 0, len(buckets))
		for le := range buckets {
			bounds = append(bounds, le)
		}
		slices.Sort(bounds)
		s := StageSummary{Stage: stage}
		if len(bounds) > 0 {
			s.Count = buckets[bounds[len(bounds)-1]]
		}
		quantile := func(q float64) time.Duration {
			want := int64(math.Ceil(q * float64(s.Count)))
			for _, le := range bounds {
				if buckets[le] >= want {
					if math.IsInf(le, 1) {
						s.Beyond = true
						break
					}
					return time.Duration(le * float64(time.Second))
				}
			}
			return time.Duration(bounds[max(len(bounds)-2, 0)] * float64(time.Second))
		}
		if s.Count > 0 {
			s.P50, s.P99 = quantile(0.5), quantile(0.99)
		}
		out = append(out, s)
	}
	return out
}
