package deepgram

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultBaseURL is Deepgram's API.
const DefaultBaseURL = "https://api.deepgram.com"

// englishFluxModel is what prefer_flux_for_english switches to.
const englishFluxModel = "flux-general-en"

// minUtteranceEnd is the smallest utterance_end_ms Deepgram accepts.
const minUtteranceEnd = 1000

// UsesFlux reports whether settings run on Deepgram Flux (/v2/listen) rather
// than the v1 live API, and with which model and tuning: a flux-* model uses
// Flux with flux_config. prefer_flux_for_english is Burki's "swap to Flux
// for English" switch: when the language is English (en, en-US, …), the
// call uses flux-general-en with english_flux_config from the start
// (assistant.STTSettings.UsesFlux decides).
func UsesFlux(s assistant.STTSettings) (model string, cfg assistant.FluxConfig, ok bool) {
	switch {
	case !s.UsesFlux():
		return "", assistant.FluxConfig{}, false
	case strings.HasPrefix(s.Model, "flux-"):
		return s.Model, s.FluxConfig, true
	}
	return englishFluxModel, s.EnglishFluxConfig, true
}

// encoding names a format the way Deepgram's encoding parameter does.
func encoding(f voice.Format) (string, error) {
	if f.SampleRate <= 0 {
		return "", fmt.Errorf("%w: %s", ErrFormat, f)
	}
	switch f.Encoding {
	case voice.ULaw:
		return "mulaw", nil
	case voice.ALaw:
		return "alaw", nil
	case voice.PCM16:
		return "linear16", nil
	}
	return "", fmt.Errorf("%w: %s", ErrFormat, f)
}

// endpoint returns the websocket URL for opts and whether it is Flux. The
// base URL may carry a path prefix; http(s) becomes ws(s).
func endpoint(opts voice.STTOptions) (string, bool, error) {
	u, err := sttsocket.URL(opts.BaseURL, DefaultBaseURL, "")
	if err != nil {
		return "", false, fmt.Errorf("deepgram: %w", err)
	}
	enc, err := encoding(opts.Format)
	if err != nil {
		return "", false, err
	}
	var q url.Values
	model, flux, isFlux := UsesFlux(opts.Settings)
	if isFlux {
		u.Path += "/v2/listen"
		q = fluxQuery(opts.Settings, model, flux)
	} else {
		u.Path += "/v1/listen"
		q = v1Query(opts.Settings)
	}
	q.Set("encoding", enc)
	q.Set("sample_rate", strconv.Itoa(opts.Format.SampleRate))
	u.RawQuery = q.Encode()
	return u.String(), isFlux, nil
}

// v1Query maps settings onto /v1/listen parameters.
//   - endpointing.silence_threshold → endpointing (ms); 0 leaves Deepgram's
//     default (10 ms). min_silence_duration has no Deepgram counterpart.
//   - utterance_end_ms is sent only with interim_results, as Deepgram
//     requires, and raised to Deepgram's 1000 ms minimum.
//   - keywords (word:intensifier) go to models that take them (nova-2,
//     nova, enhanced, base) and keyterms to those that take keyterm
//     (nova-3); each list is left out for the other kind, as Burki does.
//   - vad_events is always on: the engine needs SpeechStarted.
//
// audio_denoising is refused for Deepgram when the assistant is written;
// provider_config and the other providers' sections do not apply to it.
func v1Query(s assistant.STTSettings) url.Values {
	q := url.Values{}
	q.Set("model", s.Model)
	q.Set("language", s.Language)
	q.Set("channels", "1")
	q.Set("punctuate", strconv.FormatBool(s.Punctuate))
	q.Set("smart_format", strconv.FormatBool(s.SmartFormat))
	q.Set("interim_results", strconv.FormatBool(s.InterimResults))
	q.Set("diarize", strconv.FormatBool(s.Diarize))
	q.Set("detect_entities", strconv.FormatBool(s.DetectEntities))
	q.Set("vad_events", "true")
	if ms := s.Endpointing.SilenceThreshold; ms > 0 {
		q.Set("endpointing", strconv.Itoa(ms))
	}
	if s.InterimResults && s.UtteranceEndMS > 0 {
		q.Set("utterance_end_ms", strconv.Itoa(max(s.UtteranceEndMS, minUtteranceEnd)))
	}
	switch {
	case takesKeyterms(s.Model):
		for _, k := range s.Keyterms {
			q.Add("keyterm", k)
		}
	case takesKeywords(s.Model):
		for _, k := range s.Keywords {
			v := k.Keyword
			if k.Intensifier != 0 {
				v += ":" + strconv.FormatFloat(k.Intensifier, 'f', -1, 64)
			}
			q.Add("keywords", v)
		}
	}
	return q
}

// fluxQuery maps settings onto /v2/listen parameters. Zero thresholds are
// left to Flux's defaults; eager_eot_threshold, when set, turns on
// EagerEndOfTurn and TurnResumed. Language hints apply to the multilingual
// model only.
func fluxQuery(s assistant.STTSettings, model string, c assistant.FluxConfig) url.Values {
	q := url.Values{}
	q.Set("model", model)
	if c.EOTThreshold > 0 {
		q.Set("eot_threshold", strconv.FormatFloat(c.EOTThreshold, 'f', -1, 64))
	}
	if c.EagerEOTThreshold > 0 {
		q.Set("eager_eot_threshold", strconv.FormatFloat(c.EagerEOTThreshold, 'f', -1, 64))
	}
	if c.EOTTimeoutMS > 0 {
		q.Set("eot_timeout_ms", strconv.Itoa(c.EOTTimeoutMS))
	}
	for _, k := range s.Keyterms {
		q.Add("keyterm", k)
	}
	if strings.HasSuffix(model, "-multi") {
		for _, l := range c.LanguageHints {
			q.Add("language_hint", l)
		}
	}
	if c.MIPOptOut {
		q.Set("mip_opt_out", "true")
	}
	if c.Tag != nil && *c.Tag != "" {
		q.Set("tag", *c.Tag)
	}
	return q
}

// takesKeyterms: Nova-3 models (Flux is handled apart).
func takesKeyterms(model string) bool { return strings.HasPrefix(model, "nova-3") }

// takesKeywords: Nova-2, Nova (1), Enhanced and Base models.
func takesKeywords(model string) bool {
	if takesKeyterms(model) {
		return false
	}
	for _, p := range []string{"nova", "enhanced", "base"} {
		if model == p || strings.HasPrefix(model, p+"-") {
			return true
		}
	}
	return false
}
