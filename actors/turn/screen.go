package turn

import (
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// Screening decides, from what the engine hears in the first seconds of a
// call, whether a person or an answering machine answered.
//
//   - A person says a few words ("Hello?", "Hi, this is Anna") and pauses
//     for the other side: a pause of personPause after fewer than
//     greetingWords words, with no voicemail phrase, is a person. So is a
//     key pressed, and (after screenSilence) silence.
//   - A machine plays a greeting: a voicemail phrase ("leave a message",
//     "na de piep"), more than greetingWords words or greetingSpeech of
//     speech, a beep, or the carrier's own detection saying so.
//
// A machine's greeting then plays out (until its beep, or a pause after
// it) before the voicemail message is left, so it is not spoken into the
// greeting.
const (
	personPause    = 1200 * time.Millisecond
	greetingWords  = 14
	greetingSpeech = 4 * time.Second
	screenSilence  = 3 * time.Second
	screenLimit    = 8 * time.Second
	// A greeting has ended once it is this quiet; without a beep by
	// greetingBeepWait after that, the message is left anyway.
	greetingEndPause = 1500 * time.Millisecond
	greetingBeepWait = 3 * time.Second
	greetingLimit    = 30 * time.Second
)

// Who answered, as events and call records give it.
const (
	AnsweredByHuman   = "human"
	AnsweredByMachine = "machine"
)

// Signals a screening decision rests on.
const (
	signalShortGreeting = "short-greeting"
	signalSilence       = "silence"
	signalKeypad        = "keypad"
	signalPhrase        = "voicemail-phrase"
	signalLongGreeting  = "long-greeting"
	signalBeep          = "beep"
	signalCarrier       = "carrier"
	signalTimeLimit     = "time-limit"
)

// screen is what screening has heard so far.
type screen struct {
	began       time.Time
	speechFrom  time.Time // first speech evidence
	lastSpeech  time.Time
	finals      []string
	interim     string
	beepAt      time.Time
	carrierSays string // the carrier's detection: human or machine, "" until it answers
}

func (s *screen) begin(now time.Time) { *s = screen{began: now} }

func (s *screen) text() string {
	return strings.TrimSpace(strings.Join(append(append([]string(nil), s.finals...), s.interim), " "))
}

// screens reports whether this call is screened for an answering machine.
func (m *Machine) screens() bool {
	switch m.set.VoicemailDetection {
	case "all":
		return true
	case "outbound":
		return m.outbound
	}
	return false
}

// screenSTT feeds what the recogniser hears while screening.
func (m *Machine) screenSTT(now time.Time, ev voice.STTEvent) {
	if m.assistant == Ending {
		return
	}
	s := &m.screen
	switch e := ev.(type) {
	case *voice.SpeechStarted:
		s.heard(now)
	case *voice.Transcript:
		text := strings.TrimSpace(e.Text)
		if text == "" {
			return
		}
		s.heard(now)
		m.port.Publish(events.Transcript{Speaker: events.Caller, Text: text, Final: e.Final, Confidence: e.Confidence,
			Start: e.Start, End: e.End})
		if e.Final {
			s.finals, s.interim = append(s.finals, text), ""
		} else {
			s.interim = text
		}
	default:
		return
	}
	m.screenDecide(now)
}

func (s *screen) heard(now time.Time) {
	if s.speechFrom.IsZero() {
		s.speechFrom = now
	}
	s.lastSpeech = now
}

// screenDecide decides as soon as what was heard is conclusive.
func (m *Machine) screenDecide(now time.Time) {
	s := &m.screen
	text := s.text()
	switch {
	case s.carrierSays == AnsweredByMachine:
		m.answeredBy(now, AnsweredByMachine, signalCarrier)
	case !s.beepAt.IsZero():
		m.answeredBy(now, AnsweredByMachine, signalBeep)
	case voicemailPhrase(text):
		m.answeredBy(now, AnsweredByMachine, signalPhrase)
	case len(normWords(text)) >= greetingWords || (!s.speechFrom.IsZero() && s.lastSpeech.Sub(s.speechFrom) >= greetingSpeech):
		m.answeredBy(now, AnsweredByMachine, signalLongGreeting)
	case s.carrierSays == AnsweredByHuman:
		m.answeredBy(now, AnsweredByHuman, signalCarrier)
	}
}

// screenDeadline is when screening decides on what it has: a pause after
// a short greeting, silence, or the time limit.
func (m *Machine) screenDeadline() time.Time {
	s := &m.screen
	at := s.began.Add(screenLimit)
	switch {
	case s.speechFrom.IsZero():
		at = minTime(at, s.began.Add(screenSilence))
	default:
		at = minTime(at, s.lastSpeech.Add(personPause))
	}
	return at
}

// screenTimeout decides at the screening deadline.
func (m *Machine) screenTimeout(now time.Time) {
	s := &m.screen
	switch {
	case !now.Before(s.began.Add(screenLimit)):
		m.answeredBy(now, AnsweredByHuman, signalTimeLimit)
	case s.speechFrom.IsZero():
		m.answeredBy(now, AnsweredByHuman, signalSilence)
	default:
		m.answeredBy(now, AnsweredByHuman, signalShortGreeting)
	}
}

// answeredBy acts on a screening decision: a person gets the call's
// opening; a machine its greeting played out, then the message or a
// hang-up.
func (m *Machine) answeredBy(now time.Time, who, signal string) {
	m.port.Publish(events.AnsweredBy{Who: who, Signal: signal, After: now.Sub(m.screen.began)})
	if who == AnsweredByHuman {
		m.open(now)
		return
	}
	if m.set.VoicemailMessage == "" {
		m.End(now, events.EndVoicemail, "")
		return
	}
	m.setStage(LeavingMessage)
	if !m.screen.beepAt.IsZero() {
		m.leaveMessage(now)
	}
}

// leaveMessage says the voicemail message as the call's last words.
func (m *Machine) leaveMessage(now time.Time) {
	m.End(now, events.EndVoicemail, m.set.VoicemailMessage)
}

// greetingDeadline is when a machine's greeting counts as over.
func (m *Machine) greetingDeadline() time.Time {
	s := &m.screen
	at := s.began.Add(greetingLimit)
	if !s.lastSpeech.IsZero() {
		at = minTime(at, s.lastSpeech.Add(greetingEndPause+greetingBeepWait))
	}
	return at
}

// greetingSTT follows a machine's greeting: its speech pushes the message
// back.
func (m *Machine) greetingSTT(now time.Time, ev voice.STTEvent) {
	switch e := ev.(type) {
	case *voice.SpeechStarted:
		m.screen.heard(now)
	case *voice.Transcript:
		if strings.TrimSpace(e.Text) != "" {
			m.screen.heard(now)
		}
	}
}

// Tone reports a beep (a pure tone) in the caller's audio: while screening,
// a machine; after its greeting, the moment to leave the message.
func (m *Machine) Tone(now time.Time) {
	if m.assistant == Ending || m.assistant == Ended {
		return
	}
	switch m.stage {
	case Screening:
		m.screen.beepAt = now
		m.screenDecide(now)
	case LeavingMessage:
		if m.assistant == Silent {
			m.screen.beepAt = now
			m.leaveMessage(now)
		}
	}
}

// CarrierAnsweredBy takes the carrier's own answering-machine detection
// (human or machine), a second signal beside what the engine hears.
func (m *Machine) CarrierAnsweredBy(now time.Time, who string) {
	if m.stage != Screening || m.assistant == Ending || (who != AnsweredByHuman && who != AnsweredByMachine) {
		return
	}
	m.screen.carrierSays = who
	m.screenDecide(now)
}

// voicemailPhrases are what greetings say, in the languages callers have
// asked for (English, Dutch, German), lower-cased and without punctuation.
var voicemailPhrases = []string{
	"leave a message", "leave your message", "leave me a message", "leave your name", "after the tone", "after the beep",
	"at the tone", "at the beep", "not available", "unavailable", "can't take your call", "cannot take your call",
	"can't come to the phone", "cannot come to the phone", "voicemail", "voice mail", "mailbox", "record your message",
	"you have reached", "you've reached", "please leave", "get back to you", "call you back",
	"spreek een bericht in", "spreek uw bericht in", "laat een bericht achter", "na de piep", "na de toon", "na het signaal",
	"niet bereikbaar", "niet beschikbaar", "ben ik niet bereikbaar", "ik bel je terug", "ik bel u terug", "voicemail van",
	"hinterlassen sie", "nach dem signalton", "nach dem piepton", "nicht erreichbar", "rufe sie zurück", "rufe dich zurück",
}

// voicemailPhrase reports whether text says what a greeting says.
func voicemailPhrase(text string) bool {
	t := " " + strings.Join(normWords(text), " ") + " "
	for _, p := range voicemailPhrases {
		if strings.Contains(t, " "+strings.Join(normWords(p), " ")+" ") {
			return true
		}
	}
	return false
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
