package turn

import (
	"time"

	"github.com/switchboard-voice/switchboard/internal/ptr"

	"github.com/switchboard-voice/switchboard/assistant"
)

// Settings are the parts of an assistant's configuration that drive a
// conversation, in the machine's units.
type Settings struct {
	Version int
	// Config is the configuration these settings were resolved from; the
	// port gets it when they apply (Port.ApplyConfig).
	Config assistant.Config

	SystemPrompt string
	Welcome      string
	LLM          assistant.LLMSettings

	// End of the caller's turn.
	UtteranceTimeout    time.Duration // silence after a final before committing
	IncompleteDetection bool          // wait longer when the text is obviously unfinished

	// Barge-in.
	InterruptionThreshold int           // words that confirm an interruption at any time
	MinSpeakingTime       time.Duration // the reply must have played this long first
	Cooldown              time.Duration // after an interruption, hold the next reply this long
	MinConfidence         float64       // words below it do not count
	ConfirmWindow         time.Duration // a tentative interruption is confirmed within it…
	ConfirmWords          int           // …by this many words
	BackchannelFilter     bool          // acknowledgements never interrupt
	TailProtection        time.Duration // speech in a reply's last stretch is a next turn

	// Acknowledgements during long caller turns; zero interval disables.
	BackchannelInterval time.Duration

	// Replies started on interim transcripts.
	Speculative          bool
	SpeculativeStreamTTS bool
	SpeculativeDebounce  time.Duration
	SpeculativeMinWords  int
	SpeculativeMatch     float64

	// Silence and length limits; zero disables.
	IdleTimeout     time.Duration
	IdleMessage     string
	MaxIdleMessages int
	MaxCallLength   time.Duration

	EndCallMessage      string
	TransferCallMessage string
	Tools               assistant.ToolsSettings
}

// defaultMaxIdleMessages applies when idle_timeout is set but
// max_idle_messages is not: Burki's dashboard default.
const defaultMaxIdleMessages = 3

// backchannelIntervals map backchannel_settings.frequency (1 rare … 5
// aggressive) to the caller speech between acknowledgements.
var backchannelIntervals = [...]time.Duration{12 * time.Second, 9 * time.Second, 6 * time.Second, 4 * time.Second, 2500 * time.Millisecond}

// SettingsFrom resolves a configuration.
func SettingsFrom(c assistant.Config, version int) Settings {
	is := c.InterruptionSettings
	sc := c.STTSettings.SpeculativeConfig
	s := Settings{
		Version:               version,
		Config:                c,
		SystemPrompt:          c.LLMSettings.SystemPrompt,
		Welcome:               ptr.Value(c.LLMSettings.WelcomeMessage),
		LLM:                   c.LLMSettings,
		UtteranceTimeout:      seconds(c.STTSettings.UtteranceTimeoutSeconds),
		IncompleteDetection:   c.STTSettings.IncompleteUtteranceDetection,
		InterruptionThreshold: is.InterruptionThreshold,
		MinSpeakingTime:       seconds(is.MinSpeakingTime),
		Cooldown:              seconds(is.InterruptionCooldown),
		MinConfidence:         is.MinSTTConfidence,
		ConfirmWindow:         time.Duration(is.ConfirmationWindowMS) * time.Millisecond,
		ConfirmWords:          is.TentativeConfirmWords,
		BackchannelFilter:     is.BackchannelFilter,
		TailProtection:        time.Duration(is.TailProtectionMS) * time.Millisecond,
		Speculative:           sc.EnableSpeculativeLLM,
		SpeculativeStreamTTS:  sc.SpeculativeStreamToTTS,
		SpeculativeDebounce:   time.Duration(sc.SpeculativeDebounceMS) * time.Millisecond,
		SpeculativeMinWords:   sc.SpeculativeMinWords,
		SpeculativeMatch:      sc.SpeculativeSimilarityThreshold,
		IdleMessage:           ptr.Value(c.IdleMessage),
		EndCallMessage:        ptr.Value(c.EndCallMessage),
		TransferCallMessage:   ptr.Value(c.TransferCallMessage),
		Tools:                 c.ToolsSettings,
	}
	if b := c.BackchannelSettings; b.Enabled && b.Frequency >= 1 && b.Frequency <= len(backchannelIntervals) {
		s.BackchannelInterval = backchannelIntervals[b.Frequency-1]
	}
	if c.IdleTimeout != nil {
		s.IdleTimeout = time.Duration(*c.IdleTimeout) * time.Second
		s.MaxIdleMessages = defaultMaxIdleMessages
		if c.MaxIdleMessages != nil {
			s.MaxIdleMessages = *c.MaxIdleMessages
		}
	}
	if c.MaxCallLength != nil {
		s.MaxCallLength = time.Duration(*c.MaxCallLength) * time.Second
	}
	return s
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
