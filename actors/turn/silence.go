package turn

import (
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// defaultIdleMessage is said when no prompt is configured.
const defaultIdleMessage = "Are you still there?"

// silenceLadder handles a caller who says nothing: prompts after
// idle_timeout, then every interval (rotating messages, or nudges the model
// writes), and after max_idle_messages prompts, after max_silence_seconds
// of unbroken silence, or when the caller has not said a word within
// initial_timeout_seconds of the start, a final message and the end of the
// call. The prompt count is per call, as Burki's is.
type silenceLadder struct {
	lastActivity time.Time // the last speech of either side
	last         activity  // whose
	silentSince  time.Time // the caller's last speech, or the end of the last reply that was not a prompt
	firstWords   time.Time // when the caller first spoke; zero: not yet
	prompts      int
}

// activity is what last broke the silence.
type activity uint8

const (
	activityStart  activity = iota // the call's start
	activityCaller                 // the caller spoke
	activityReply                  // the assistant answered or spoke on its own
	activityPrompt                 // a silence prompt
)

func (l *silenceLadder) start(now time.Time) {
	l.lastActivity, l.silentSince = now, now
}

// heardCaller records caller speech.
func (l *silenceLadder) heardCaller(now time.Time) {
	l.lastActivity, l.last, l.silentSince = now, activityCaller, now
	if l.firstWords.IsZero() {
		l.firstWords = now
	}
}

// replied records the end of something the assistant said.
func (l *silenceLadder) replied(now time.Time, source Source) {
	l.lastActivity = now
	if source == SourceIdle {
		l.last = activityPrompt
		return
	}
	l.last, l.silentSince = activityReply, now
}

// silent reports whether the call is silent on both sides, so that the
// ladder runs.
func (m *Machine) silent() bool {
	return (m.assistant == Silent || m.assistant == Acknowledging) && m.caller.phase == Quiet &&
		(m.stage == Awaiting || m.stage == Conversing)
}

// silenceDeadline is the ladder's next step, if any.
func (m *Machine) silenceDeadline() time.Time {
	if !m.silent() {
		return time.Time{}
	}
	l, s := &m.idle, &m.set
	var d deadline
	if s.IdleTimeout > 0 {
		wait := s.IdleTimeout
		if l.last == activityPrompt && s.IdleInterval > 0 {
			wait = s.IdleInterval
		}
		d.at(l.lastActivity.Add(wait))
	}
	if s.MaxSilence > 0 {
		d.at(l.silentSince.Add(s.MaxSilence))
	}
	if s.InitialSilence > 0 && l.firstWords.IsZero() {
		d.at(m.start.Add(s.InitialSilence))
	}
	return d.when
}

// silenceStep takes the ladder's next step.
func (m *Machine) silenceStep(now time.Time) {
	l, s := &m.idle, &m.set
	switch {
	case s.InitialSilence > 0 && l.firstWords.IsZero() && !now.Before(m.start.Add(s.InitialSilence)):
		m.End(now, events.EndIdle, s.SilenceFinal)
	case s.MaxSilence > 0 && !now.Before(l.silentSince.Add(s.MaxSilence)):
		m.End(now, events.EndIdle, s.SilenceFinal)
	case m.stage == Awaiting:
		m.greetCaller(now) // the caller did not speak first: the welcome goes ahead
	case l.prompts >= s.MaxIdleMessages:
		m.End(now, events.EndIdle, s.SilenceFinal)
	default:
		m.prompt(now)
	}
}

// prompt asks a silent caller whether they are there: the next message,
// or one the model writes.
func (m *Machine) prompt(now time.Time) {
	l, s := &m.idle, &m.set
	l.prompts++
	l.lastActivity, l.last = now, activityPrompt
	generated := s.ReengagementPrompt != ""
	m.port.Publish(events.IdlePrompt{Count: l.prompts, Generated: generated})
	if generated {
		m.turns++
		instruction := fmt.Sprintf("The caller has said nothing for %d seconds. Say one short sentence to re-engage them, "+
			"following this instruction: %s", int(now.Sub(l.silentSince).Seconds()), s.ReengagementPrompt)
		m.startReply(now, m.turns, SourceIdle, "", instruction)
		return
	}
	text := defaultIdleMessage
	if n := len(s.IdleMessages); n > 0 {
		text = s.IdleMessages[(l.prompts-1)%n]
	}
	m.speakStatic(now, SourceIdle, text)
}
