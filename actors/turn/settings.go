package turn

import (
	"time"

	"github.com/switchboard-voice/switchboard/internal/ptr"

	"github.com/switchboard-voice/switchboard/assistant"
)

// Settings are the parts of an assistant's configuration that drive a
// conversation, in the machine's units.
type Settings struct {
	AssistantID int64
	Version     int
	// Config is the configuration these settings were resolved from; the
	// port gets it when they apply (Port.ApplyConfig). It is shared with
	// the call, never changed: a configuration is 2.4 KB.
	Config *assistant.Config

	SystemPrompt string
	Welcome      string
	LLM          assistant.LLMSettings

	// The call's opening and end.
	OutboundWelcome    string // the welcome of outbound calls, if it differs
	WaitForCaller      bool   // the welcome waits for the caller's first words
	ConsentRequired    bool   // the caller must agree to the recording by key first
	ConsentMessage     string
	VoicemailDetection string // off, outbound or all
	VoicemailMessage   string // left on an answering machine; "" hangs up
	EndCallPhrases     []string

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
	AllowInterruptions    bool          // false: speech over a reply is the next turn, never a barge-in
	FalseInterruption     time.Duration // a paused reply resumes if no word comes within it

	// Acknowledgements during long caller turns; zero interval disables.
	BackchannelInterval time.Duration

	// Replies started on interim transcripts.
	Speculative          bool
	SpeculativeStreamTTS bool
	SpeculativeDebounce  time.Duration
	SpeculativeMinWords  int
	SpeculativeMatch     float64

	// Silence and length limits; zero disables.
	IdleTimeout        time.Duration // the first prompt after this much silence
	IdleInterval       time.Duration // the next ones after this much more
	IdleMessages       []string      // rotating prompts
	ReengagementPrompt string        // the model writes the prompts following it
	MaxIdleMessages    int
	SilenceFinal       string        // said before the call ends for silence
	MaxSilence         time.Duration // unbroken silence that ends the call
	InitialSilence     time.Duration // no word from the caller this long after the start ends the call
	MaxCallLength      time.Duration

	// Fillers while a late reply is prepared; zero FillerAfter disables.
	FillerAfter   time.Duration
	FillerPhrases map[fillerKind][]string

	// Pronunciation rules applied to text before synthesis.
	Pronunciation []assistant.PronunciationRule

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

// SettingsFrom resolves version of assistant id's configuration, which
// must not change afterwards (Settings.Config shares it).
func SettingsFrom(id int64, c *assistant.Config, version int) Settings {
	is := c.InterruptionSettings
	sc := c.STTSettings.SpeculativeConfig
	cf, ss := c.CallFlowSettings, c.SilenceSettings
	s := Settings{
		AssistantID:           id,
		Version:               version,
		Config:                c,
		SystemPrompt:          c.LLMSettings.SystemPrompt,
		Welcome:               ptr.Value(c.LLMSettings.WelcomeMessage),
		LLM:                   c.LLMSettings,
		OutboundWelcome:       ptr.Value(cf.OutboundWelcomeMessage),
		WaitForCaller:         cf.WaitForCaller,
		ConsentRequired:       c.RecordingSettings.ConsentRequired,
		ConsentMessage:        ptr.Value(c.RecordingSettings.ConsentMessage),
		VoicemailDetection:    c.VoicemailSettings.Detection,
		VoicemailMessage:      ptr.Value(c.VoicemailSettings.Message),
		EndCallPhrases:        cf.EndCallPhrases,
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
		AllowInterruptions:    is.AllowInterruptions,
		FalseInterruption:     time.Duration(is.FalseInterruptionTimeoutMS) * time.Millisecond,
		Speculative:           sc.EnableSpeculativeLLM,
		SpeculativeStreamTTS:  sc.SpeculativeStreamToTTS,
		SpeculativeDebounce:   time.Duration(sc.SpeculativeDebounceMS) * time.Millisecond,
		SpeculativeMinWords:   sc.SpeculativeMinWords,
		SpeculativeMatch:      sc.SpeculativeSimilarityThreshold,
		IdleMessages:          ss.Messages,
		ReengagementPrompt:    ptr.Value(ss.ReengagementPrompt),
		SilenceFinal:          firstNonEmpty(ptr.Value(ss.FinalMessage), ptr.Value(c.EndCallMessage)),
		EndCallMessage:        ptr.Value(c.EndCallMessage),
		TransferCallMessage:   ptr.Value(c.TransferCallMessage),
		Tools:                 c.ToolsSettings,
		Pronunciation:         c.TTSSettings.Pronunciation,
	}
	if len(s.IdleMessages) == 0 && c.IdleMessage != nil {
		s.IdleMessages = []string{*c.IdleMessage}
	}
	if b := c.BackchannelSettings; b.Enabled && b.Frequency >= 1 && b.Frequency <= len(backchannelIntervals) {
		s.BackchannelInterval = backchannelIntervals[b.Frequency-1]
	}
	if c.IdleTimeout != nil {
		s.IdleTimeout = time.Duration(*c.IdleTimeout) * time.Second
		s.IdleInterval = s.IdleTimeout
		s.MaxIdleMessages = defaultMaxIdleMessages
		if c.MaxIdleMessages != nil {
			s.MaxIdleMessages = *c.MaxIdleMessages
		}
	}
	if ss.IntervalSeconds != nil {
		s.IdleInterval = time.Duration(*ss.IntervalSeconds) * time.Second
	}
	if ss.MaxSilenceSeconds != nil {
		s.MaxSilence = time.Duration(*ss.MaxSilenceSeconds) * time.Second
	}
	if ss.InitialTimeoutSeconds != nil {
		s.InitialSilence = time.Duration(*ss.InitialTimeoutSeconds) * time.Second
	}
	if c.MaxCallLength != nil {
		s.MaxCallLength = time.Duration(*c.MaxCallLength) * time.Second
	}
	if f := c.FillerSettings; f.Enabled {
		s.FillerAfter = time.Duration(f.AfterMS) * time.Millisecond
		s.FillerPhrases = fillerPhrases(f)
	}
	return s
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
