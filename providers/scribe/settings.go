package scribe

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// Model is the realtime model; assistant validation refuses any other.
const Model = "scribe_v2_realtime"

// pcmRates are the sample rates Scribe takes 16-bit PCM at.
var pcmRates = []int{8000, 16000, 22050, 24000, 44100, 48000}

// audioFormat names f the way the audio_format parameter does.
func audioFormat(f voice.Format) (string, error) {
	switch {
	case f.Encoding == voice.ULaw && f.SampleRate == 8000:
		return "ulaw_8000", nil
	case f.Encoding == voice.PCM16:
		for _, r := range pcmRates {
			if r == f.SampleRate {
				return "pcm_" + strconv.Itoa(r), nil
			}
		}
	}
	return "", fmt.Errorf("%w: %s", ErrFormat, f)
}

// query maps settings onto the handshake's query parameters:
//   - model_id is stt_settings.model; language_code is the primary subtag
//     of stt_settings.language ("en" for "en-US"), none for "multi"
//     (Scribe detects the language)
//   - commit_strategy, vad_threshold, vad_silence_threshold_secs,
//     min_speech_duration_ms, min_silence_duration_ms,
//     include_timestamps and include_language_detection are
//     elevenlabs_config's; the VAD tuning goes with the vad strategy only
//     (with manual the client commits, see commits)
//   - enable_logging is false: call audio is not kept by the service
func query(s assistant.STTSettings, f voice.Format) (url.Values, error) {
	af, err := audioFormat(f)
	if err != nil {
		return nil, err
	}
	c := s.ElevenLabsConfig
	q := url.Values{}
	q.Set("model_id", s.Model)
	q.Set("audio_format", af)
	if lang, _, _ := strings.Cut(strings.ToLower(s.Language), "-"); lang != "" && lang != "multi" {
		q.Set("language_code", lang)
	}
	q.Set("commit_strategy", c.CommitStrategy)
	if c.CommitStrategy == "vad" {
		q.Set("vad_threshold", strconv.FormatFloat(c.VADThreshold, 'f', -1, 64))
		q.Set("vad_silence_threshold_secs", strconv.FormatFloat(c.VADSilenceThresholdSecs, 'f', -1, 64))
		q.Set("min_speech_duration_ms", strconv.Itoa(c.MinSpeechDurationMS))
		q.Set("min_silence_duration_ms", strconv.Itoa(c.MinSilenceDurationMS))
	}
	q.Set("include_timestamps", strconv.FormatBool(c.IncludeTimestamps))
	q.Set("include_language_detection", strconv.FormatBool(c.IncludeLanguageDetection))
	q.Set("enable_logging", "false")
	return q, nil
}

// commits is when the client commits under the manual strategy: after
// Silence of quiet following at least MinSpeech of sound, or after the
// shorter ShortSilence when the latest partial ends a sentence (., ? or !).
// A quiet gap shorter than MinSilence does not count as silence.
type commits struct {
	Manual       bool
	Silence      time.Duration // manual_commit_silence_secs
	ShortSilence time.Duration // manual_commit_short_silence_secs; 0 off
	MinSpeech    time.Duration // min_speech_duration_ms
	MinSilence   time.Duration // min_silence_duration_ms
}

func commitsOf(c assistant.ElevenLabsSTT) commits {
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)).Round(time.Millisecond) }
	return commits{
		Manual:       c.CommitStrategy == "manual",
		Silence:      sec(c.ManualCommitSilenceSecs),
		ShortSilence: sec(c.ManualCommitShortSilenceSecs),
		MinSpeech:    time.Duration(c.MinSpeechDurationMS) * time.Millisecond,
		MinSilence:   time.Duration(c.MinSilenceDurationMS) * time.Millisecond,
	}
}
