package voice

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
)

// TTSOptions configure a call's speech synthesis. A zero
// Settings.Volume means unset (full volume), not silence.
type TTSOptions struct {
	Settings assistant.TTSSettings
	Format   Format // the audio the engine wants back (the carrier's)
	Key      string
	BaseURL  string // overrides the provider's endpoint; "" for the real one
}

// TTS opens a call's synthesis session, warming its connection.
type TTS interface {
	OpenTTS(ctx context.Context, opts TTSOptions) (TTSSession, error)
}

// TTSSession speaks one utterance at a time for a call, reusing its
// connection between utterances.
type TTSSession interface {
	// Speak starts an utterance (one assistant reply). Audio and events
	// arrive through emit until *TTSDone or the utterance is cancelled. It
	// fails while another utterance of the session is still in progress.
	Speak(emit func(TTSEvent)) (Utterance, error)
	// Close releases the session's connections.
	Close() error
}

// Utterance is one reply being synthesised.
type Utterance interface {
	// Send adds a speakable chunk of text (a sentence or clause).
	Send(text string) error
	// End says no more text follows: synthesise the rest, then *TTSDone.
	End() error
	// Cancel stops the utterance at once (barge-in). No event for it is
	// emitted after Cancel returns, and the session stays usable.
	Cancel()
}

// TTSEvent is what an utterance emits: *TTSAudio, *TTSDone or *TTSError.
type TTSEvent interface{ ttsEvent() }

// TTSAudio is synthesised audio in TTSOptions.Format, in order.
type TTSAudio struct {
	Audio []byte
	// Words spoken, timed from the start of the utterance's audio, when the
	// provider reports alignment; nil otherwise. Providers that report
	// timings after the audio they describe send them with no Audio.
	Words []Word
}

// TTSDone ends an utterance after its last audio.
type TTSDone struct {
	FirstAudio time.Duration // from the first Send to the first audio
}

// TTSError reports a failed utterance; no more events follow.
type TTSError struct{ Err error }

func (*TTSAudio) ttsEvent() {}
func (*TTSDone) ttsEvent()  {}
func (*TTSError) ttsEvent() {}
