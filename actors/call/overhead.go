package call

import (
	"context"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/internal/mono"
)

// The engine's own latency is timed from an input's arrival (stamped by
// the goroutine that hands it to the actor) to the output it causes
// leaving the process: the model's request written, the carrier's
// message written. Mailbox waits, the machine's work and the writers'
// queues are all in it; the providers' and the network's time is not.

// Timings records the time from the recogniser's event that ended the
// caller's turn to the model's request written (*metrics.Overhead).
type Timings interface {
	EndOfTurnToRequest(time.Duration)
}

// timedLine is a line that times messages up to its socket
// (telephony.Stream): once one is written it records how long since since.
type timedLine interface {
	SendAudioSince(frame []byte, since mono.Time) error
	ClearSince(since mono.Time) error
}

// causeKind says which input the actor is handling, when the engine's
// overhead is timed from it.
type causeKind uint8

const (
	noCause    causeKind = iota
	recognised           // a recogniser's event
	replyAudio           // a reply's synthesised audio
)

// cause is the input being handled and when it arrived.
type cause struct {
	kind causeKind
	at   mono.Time
}

// timeRequest returns ctx traced so that the first request written
// through it (the model's) records the time since the turn ended.
func timeRequest(ctx context.Context, since mono.Time, t Timings) context.Context {
	var once sync.Once // a fallback model's request is not the first
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) {
			once.Do(func() { t.EndOfTurnToRequest(mono.Since(since)) })
		},
	})
}

// sendAudio writes a frame to the carrier, timed when it starts a reply
// and goes out as the audio that completed it arrives. (When it goes out
// later, it waited for the carrier's queue to have room, as it should: a
// filler or a background sound was playing.)
func (a *callActor) sendAudio(f turn.Frame) error {
	if f.ReplyStart && a.cause.kind == replyAudio {
		if tl, ok := a.spec.Line.(timedLine); ok {
			return tl.SendAudioSince(f.Audio, a.cause.at)
		}
	}
	return a.spec.Line.SendAudio(f.Audio)
}

// clearLine drops what the carrier has queued; a barge-in's clear is
// timed from the input that confirmed it (or from now, when a deadline
// did).
func (a *callActor) clearLine(why turn.Silencing) error {
	if tl, ok := a.spec.Line.(timedLine); ok && why == turn.SilenceBargeIn {
		at := a.cause.at
		if a.cause.kind == noCause {
			at = mono.Now()
		}
		return tl.ClearSince(at)
	}
	return a.spec.Line.Clear()
}
