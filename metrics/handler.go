package metrics

import (
	"io"

	vm "github.com/VictoriaMetrics/metrics"
)

// ContentType is the Prometheus text exposition format's.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Write writes set and the Go runtime and process metrics.
func Write(w io.Writer, set *vm.Set) {
	vm.WriteProcessMetrics(w)
	set.WritePrometheus(w)
}
