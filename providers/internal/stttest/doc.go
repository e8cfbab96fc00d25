// Package stttest holds the recogniser scenarios every streaming client
// runs against its loopback fake: streaming with interim and final
// transcripts, speech start and end of turn, Finalize, Close flushing, and
// the faults (refused, wrong key, rate-limited, dropped at every point,
// stalled). Each client's tests call Run with a Target.
package stttest
