package metrics

import (
	"strings"
	"testing"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
)

func TestOverheadIsAHistogramPerStage(t *testing.T) {
	set := vm.NewSet()
	o := NewOverhead(set)
	o.EndOfTurnToRequest(300 * time.Microsecond)
	o.AudioToFrame(90 * time.Microsecond)
	o.AudioToFrame(4 * time.Millisecond)
	o.BargeInToClear(time.Second) // beyond the last bucket: counted in +Inf
	text := scrape(t, set)
	for _, want := range []string{
		`switchboard_engine_overhead_seconds_count{stage="end_of_turn_to_request"} 1`,
		`switchboard_engine_overhead_seconds_count{stage="audio_to_frame"} 2`,
		`switchboard_engine_overhead_seconds_bucket{stage="barge_in_to_clear",le="+Inf"} 1`,
		`switchboard_engine_overhead_seconds_bucket{stage="audio_to_frame",le="0.0001"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
}
