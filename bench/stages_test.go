package bench

import (
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/metrics"
)

// Stage quantiles are read off the buckets' upper bounds, over what a run
// added to the histogram.
func TestStageSummaries(t *testing.T) {
	line := func(stage, le string, n int) string {
		return metrics.OverheadName + `_bucket{stage="` + stage + `",le="` + le + `"} ` + strconv.Itoa(n) + "\n"
	}
	before := parseStages([]byte(line(metrics.StageAudio, "0.001", 5) + line(metrics.StageAudio, "0.005", 5) +
		line(metrics.StageAudio, "+Inf", 5)))
	after := parseStages([]byte("go_goroutines 12\n" + line(metrics.StageAudio, "0.001", 95) +
		line(metrics.StageAudio, "0.005", 104) + line(metrics.StageAudio, "+Inf", 105) +
		line(metrics.StageBargeIn, "0.001", 0) + line(metrics.StageBargeIn, "+Inf", 1)))
	got := after.since(before).summaries()
	if len(got) != 3 {
		t.Fatalf("%d stages", len(got))
	}
	if s := got[0]; s.Stage != metrics.StageEndOfTurn || s.Count != 0 {
		t.Errorf("end of turn: %+v", s)
	}
	if s := got[1]; s.Count != 100 || s.P50 != time.Millisecond || s.P99 != 5*time.Millisecond || s.Beyond {
		t.Errorf("audio: %+v", s)
	}
	if s := got[2]; s.Count != 1 || !s.Beyond || s.P99 != time.Millisecond {
		t.Errorf("barge-in: %+v", s)
	}
}
