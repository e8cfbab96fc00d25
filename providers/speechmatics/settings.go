package speechmatics

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// startRecognition is the message a connection starts with.
type startRecognition struct {
	Message             string              `json:"message"`
	AudioFormat         audioFormat         `json:"audio_format"`
	TranscriptionConfig transcriptionConfig `json:"transcription_config"`
}

type audioFormat struct {
	Type       string `json:"type"`
	Encoding   string `json:"encoding"`
	SampleRate int    `json:"sample_rate"`
}

type transcriptionConfig struct {
	Language                  string              `json:"language"`
	OperatingPoint            string              `json:"operating_point,omitempty"`
	MaxDelay                  float64             `json:"max_delay,omitempty"`
	EnablePartials            bool                `json:"enable_partials"`
	EnableEntities            bool                `json:"enable_entities"`
	AdditionalVocab           []vocab             `json:"additional_vocab,omitempty"`
	Diarization               string              `json:"diarization,omitempty"`
	SpeakerDiarizationConfig  *speakerDiarization `json:"speaker_diarization_config,omitempty"`
	TranscriptFilteringConfig *filtering          `json:"transcript_filtering_config,omitempty"`
	ConversationConfig        *conversation       `json:"conversation_config,omitempty"`
}

type vocab struct {
	Content string `json:"content"`
}

type speakerDiarization struct {
	MaxSpeakers int `json:"max_speakers,omitempty"`
}

type filtering struct {
	RemoveDisfluencies bool `json:"remove_disfluencies"`
}

type conversation struct {
	EndOfUtteranceSilenceTrigger float64 `json:"end_of_utterance_silence_trigger"`
}

// encoding names a raw format the way audio_format.encoding does.
func encoding(f voice.Format) (string, error) {
	if f.SampleRate <= 0 {
		return "", fmt.Errorf("%w: %s", ErrFormat, f)
	}
	switch f.Encoding {
	case voice.ULaw:
		return "mulaw", nil
	case voice.PCM16:
		return "pcm_s16le", nil
	}
	return "", fmt.Errorf("%w: %s", ErrFormat, f)
}

// startMessage maps settings onto StartRecognition:
//   - language is the primary subtag of stt_settings.language ("en" for
//     "en-US"); operating_point is stt_settings.model (standard, enhanced)
//   - max_delay, remove_disfluencies, additional_vocab (with keyterms),
//     diarization "speaker" with max_speakers (enable_diarization or
//     diarize) come from speechmatics_config
//   - enable_partials needs both enable_partials and interim_results
//   - end_of_utterance_silence_trigger is utterance_silence_timeout (0–2 s;
//     0 leaves EndOfUtterance off)
//   - enable_entities is detect_entities
func startMessage(s assistant.STTSettings, f voice.Format) ([]byte, error) {
	enc, err := encoding(f)
	if err != nil {
		return nil, err
	}
	c := s.SpeechmaticsConfig
	lang, _, _ := strings.Cut(s.Language, "-")
	tc := transcriptionConfig{
		Language:       strings.ToLower(lang),
		OperatingPoint: s.Model,
		MaxDelay:       c.MaxDelay,
		EnablePartials: c.EnablePartials && s.InterimResults,
		EnableEntities: s.DetectEntities,
	}
	for _, w := range slices.Concat(c.AdditionalVocab, s.Keyterms) {
		tc.AdditionalVocab = append(tc.AdditionalVocab, vocab{Content: w})
	}
	if c.EnableDiarization || s.Diarize {
		tc.Diarization = "speaker"
		tc.SpeakerDiarizationConfig = &speakerDiarization{MaxSpeakers: c.SpeakerDiarizationMaxSpeakers}
	}
	if c.RemoveDisfluencies {
		tc.TranscriptFilteringConfig = &filtering{RemoveDisfluencies: true}
	}
	if c.UtteranceSilenceTimeout > 0 {
		tc.ConversationConfig = &conversation{EndOfUtteranceSilenceTrigger: c.UtteranceSilenceTimeout}
	}
	return json.Marshal(startRecognition{
		Message:             "StartRecognition",
		AudioFormat:         audioFormat{Type: "raw", Encoding: enc, SampleRate: f.SampleRate},
		TranscriptionConfig: tc,
	})
}
