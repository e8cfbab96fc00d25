package bench

import "context"

// RampReport is a ramp: its steps, and the most calls that held the SLO.
type RampReport struct {
	Steps []Result `json:"-"` // reported as the runs
	Held  int      `json:"held_calls"`
	// Broke says why the first step over Held failed, if one did.
	Broke string `json:"broke,omitempty"`
}

func (r *RampReport) heldResult() Result {
	for _, s := range r.Steps {
		if s.Calls == r.Held {
			return s
		}
	}
	return r.Steps[0]
}

// ramp runs steps of growing load, from o.Calls up by half each time,
// until one breaks the SLO (or the run is interrupted).
func ramp(ctx context.Context, o Options, step func(calls int) Result) *RampReport {
	r := &RampReport{}
	for n := o.Calls; ctx.Err() == nil; n += max(n/2, 1) {
		res := step(n)
		r.Steps = append(r.Steps, res)
		if why := sloBroken(res); why != "" {
			r.Broke = why
			return r
		}
		r.Held = n
	}
	return r
}

// sloBroken says how a run misses the SLO, or "" if it holds: p99 ≤ 5 ms
// for each of the engine's own stages (its metrics; the caller-side
// overhead when it has none, as a --target's may not be read), at most
// 0.1 % of frames late, no failed calls. The caller-side overhead adds
// every hop between the processes and their wake-ups on a shared machine,
// which are not the engine's.
func sloBroken(r Result) string {
	if r.Turns.Count == 0 {
		return "no turn measured"
	}
	for _, s := range r.Stages {
		if s.Count > 0 && (s.Beyond || s.P99 > sloOverheadP99) {
			return "engine stage " + s.Stage + " p99 > " + sloOverheadP99.String()
		}
	}
	switch {
	case len(r.Stages) == 0 && r.Overhead.P99 > sloOverheadP99:
		return "engine overhead p99 " + r.Overhead.P99.String() + " > " + sloOverheadP99.String()
	case r.Pacing.LateRatio() > sloLateRatio:
		return "late frames over 0.1 %"
	case len(r.Errors) > 0:
		return "errors"
	}
	return ""
}
