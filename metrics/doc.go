// Package metrics exposes what an operator watches, in Prometheus' text
// format: calls, turn latency by stage, providers, barge-ins and the Go
// runtime. Call metrics come from the calls' event stream (Calls is an
// events.Sink), so the call actors carry no metrics code; the one
// exception is the engine's own overhead (Overhead), timed where inputs
// arrive and outputs leave.
//
// Histograms are Prometheus-style (cumulative le buckets), so plain
// Prometheus can run histogram_quantile on them.
package metrics
