package voice

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
)

// STTOptions configure one recognition stream.
type STTOptions struct {
	Settings assistant.STTSettings
	Format   Format // of the audio the engine sends
	Key      string // the provider API key
	BaseURL  string // overrides the provider's endpoint, e.g. to reach a fake; "" for the real one
}

// STT opens recognition streams: one per call.
type STT interface {
	// OpenSTT returns once the stream is connected. ctx bounds the whole
	// stream, not just the opening: cancelling it tears the stream down at
	// once, and nothing is emitted after.
	OpenSTT(ctx context.Context, opts STTOptions, emit func(STTEvent)) (STTStream, error)
}

// STTStream is a live recognition session. It reconnects by itself after a
// dropped connection, replaying audio the service had not finalized, so no
// caller words are lost; it emits STTError{Fatal: true} when it gives up.
type STTStream interface {
	// SendAudio queues one frame in STTOptions.Format. It does not block on
	// the network.
	SendAudio(frame []byte) error
	// Finalize asks the service to finalize what it has heard so far, e.g.
	// once the engine has decided the caller's turn ended.
	Finalize() error
	// Close ends the stream gracefully and releases its connection.
	Close() error
}

// STTEvent is what a recognition stream emits: *SpeechStarted, *Transcript,
// *EagerEndOfTurn, *TurnResumed, *EndOfTurn or *STTError.
type STTEvent interface{ sttEvent() }

// Word is one recognised (or spoken) word with its timing in the stream.
type Word struct {
	Text       string
	Start, End time.Duration
	Confidence float64
}

// SpeechStarted is the service detecting the caller starting to speak.
type SpeechStarted struct {
	At time.Duration // offset in the audio sent
}

// Transcript is an interim or final hypothesis for a segment of speech.
type Transcript struct {
	Text       string
	Confidence float64
	Words      []Word
	Final      bool // this segment will not change any more
	// SpeechFinal marks a final followed by an endpoint (silence): the
	// provider's own end-of-utterance signal.
	SpeechFinal bool
	Start, End  time.Duration
}

// EagerEndOfTurn is a provider's early guess that the turn is over (Deepgram
// Flux), useful to start a reply speculatively. A TurnResumed may follow.
type EagerEndOfTurn struct {
	Text       string
	Confidence float64
}

// TurnResumed withdraws an EagerEndOfTurn: the caller kept speaking.
type TurnResumed struct{}

// EndOfTurn is the provider saying the caller's turn is over (Deepgram
// UtteranceEnd, Flux EndOfTurn). Text is the whole turn when the provider
// knows it (Flux), else empty.
type EndOfTurn struct {
	Text       string
	Confidence float64
}

// STTError reports a stream problem; Fatal means the stream is gone.
type STTError struct {
	Err   error
	Fatal bool
}

func (*SpeechStarted) sttEvent()  {}
func (*Transcript) sttEvent()     {}
func (*EagerEndOfTurn) sttEvent() {}
func (*TurnResumed) sttEvent()    {}
func (*EndOfTurn) sttEvent()      {}
func (*STTError) sttEvent()       {}
