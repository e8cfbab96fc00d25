package metrics

import (
	"time"

	vm "github.com/VictoriaMetrics/metrics"
)

// Overhead is the engine's own share of a call's latency, timed inside
// the engine from an input's arrival to the output it causes, so that
// neither the providers' time nor the network's is in it: the figures an
// engine SLO is held to. It is safe for concurrent use.
type Overhead struct {
	endOfTurn, audio, bargeIn *vm.PrometheusHistogram
}

// Overhead buckets: 25 µs to 1 s, finest around the few milliseconds an
// SLO's p99 is placed against, and readable as le labels.
var overheadBuckets = []float64{
	25e-6, 50e-6, 75e-6, 100e-6, 150e-6, 200e-6, 300e-6, 400e-6, 500e-6, 750e-6,
	1e-3, 1.5e-3, 2e-3, 2.5e-3, 3e-3, 4e-3, 5e-3, 6e-3, 8e-3, 10e-3, 15e-3, 20e-3, 30e-3, 50e-3, 75e-3,
	0.1, 0.15, 0.25, 0.5, 1,
}

// The stages of OverheadName, by their stage label.
const (
	// StageEndOfTurn: the recogniser's event that ends (or is guessed to
	// end) the caller's turn received → the model's request written.
	StageEndOfTurn = "end_of_turn_to_request"
	// StageAudio: a reply's first synthesised audio received → its first
	// frame written to the carrier.
	StageAudio = "audio_to_frame"
	// StageBargeIn: the input that confirms a barge-in received → the
	// carrier's clear written.
	StageBargeIn = "barge_in_to_clear"
)

// OverheadName is the histogram's name; its label stage is one of the
// Stage constants.
const OverheadName = "switchboard_engine_overhead_seconds"

// NewOverhead registers the overhead histograms in set.
func NewOverhead(set *vm.Set) *Overhead {
	h := func(stage string) *vm.PrometheusHistogram {
		return set.NewPrometheusHistogramExt(OverheadName+`{stage="`+stage+`"}`, overheadBuckets)
	}
	return &Overhead{endOfTurn: h(StageEndOfTurn), audio: h(StageAudio), bargeIn: h(StageBargeIn)}
}

// EndOfTurnToRequest records a StageEndOfTurn.
func (o *Overhead) EndOfTurnToRequest(d time.Duration) { o.endOfTurn.Update(d.Seconds()) }

// AudioToFrame records a StageAudio.
func (o *Overhead) AudioToFrame(d time.Duration) { o.audio.Update(d.Seconds()) }

// BargeInToClear records a StageBargeIn.
func (o *Overhead) BargeInToClear(d time.Duration) { o.bargeIn.Update(d.Seconds()) }
