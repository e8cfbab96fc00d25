package deepgramfake

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttfake"
	"github.com/switchboard-voice/switchboard/voice"
)

// audioParams are the raw-audio parameters both APIs take.
type audioParams struct {
	encoding   string
	sampleRate int
}

func (a audioParams) framer() *sttfake.Framer {
	return sttfake.NewFramer(simulated[a.encoding], a.sampleRate)
}

// listenParams are a /v1/listen request's parameters that shape results.
type listenParams struct {
	audioParams
	model              string
	punctuate, smart   bool
	interim, vadEvents bool
	diarize, entities  bool
	endpointing        time.Duration // 0: no endpointing
	utteranceEnd       time.Duration // 0: no UtteranceEnd
}

// fluxParams are a /v2/listen request's parameters.
type fluxParams struct {
	audioParams
	model      string
	thresholds thresholds
	keyterms   []string
	hints      []string
}

// thresholds are Flux's turn-taking settings; eager 0 is off.
type thresholds struct {
	eot, eager float64
	timeout    time.Duration
}

// simulated are the encodings the fake decodes; Deepgram takes more.
var simulated = map[string]voice.Encoding{"linear16": voice.PCM16, "mulaw": voice.ULaw, "alaw": voice.ALaw}

var (
	v1Encodings = []string{"linear16", "linear32", "flac", "alaw", "mulaw", "amr-nb", "amr-wb", "opus", "ogg-opus", "speex", "g729"}
	v2Encodings = []string{"linear16", "linear32", "mulaw", "alaw", "opus", "ogg-opus"}
	v1Bools     = []string{"punctuate", "smart_format", "interim_results", "vad_events", "diarize", "detect_entities",
		"multichannel", "numerals", "profanity_filter", "dictation", "mip_opt_out"}
	intensified = regexp.MustCompile(`:-?[0-9]+(\.[0-9]+)?$`)
)

// badRequest is a refused request, worded like Deepgram's err_msg.
type badRequest string

func (e badRequest) Error() string { return string(e) }

func badParam(name, value, why string) error {
	return badRequest(fmt.Sprintf("Invalid query parameter %s=%q: %s.", name, value, why))
}

func parseAudio(q url.Values, encodings []string) (audioParams, error) {
	var a audioParams
	a.encoding = q.Get("encoding")
	if a.encoding == "" {
		return a, badRequest("deepgramfake needs raw audio: set encoding and sample_rate.")
	}
	if !slices.Contains(encodings, a.encoding) {
		return a, badParam("encoding", a.encoding, "unknown encoding")
	}
	if _, ok := simulated[a.encoding]; !ok {
		return a, badParam("encoding", a.encoding, "not simulated by deepgramfake (linear16, mulaw, alaw)")
	}
	sr := q.Get("sample_rate")
	n, err := strconv.Atoi(sr)
	if err != nil || n < 8000 || n > 48000 || n%50 != 0 {
		return a, badParam("sample_rate", sr, "expected a sample rate in Hz")
	}
	a.sampleRate = n
	return a, nil
}

func parseBool(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	switch v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, badParam(name, v, "expected true or false")
}

// parseListen validates a /v1/listen query the way Deepgram does.
func parseListen(q url.Values) (listenParams, error) {
	var p listenParams
	var err error
	if p.audioParams, err = parseAudio(q, v1Encodings); err != nil {
		return p, err
	}
	p.model = q.Get("model")
	if strings.HasPrefix(p.model, "flux") {
		return p, badParam("model", p.model, "Flux models are served at /v2/listen")
	}
	for _, name := range v1Bools {
		if _, err := parseBool(q, name); err != nil {
			return p, err
		}
	}
	p.punctuate, _ = parseBool(q, "punctuate")
	p.smart, _ = parseBool(q, "smart_format")
	p.interim, _ = parseBool(q, "interim_results")
	p.vadEvents, _ = parseBool(q, "vad_events")
	p.diarize, _ = parseBool(q, "diarize")
	p.entities, _ = parseBool(q, "detect_entities")
	if multi, _ := parseBool(q, "multichannel"); multi {
		return p, badParam("multichannel", "true", "not simulated by deepgramfake")
	}
	if ch := q.Get("channels"); ch != "" && ch != "1" {
		return p, badParam("channels", ch, "deepgramfake simulates mono audio")
	}
	if q.Get("language") == "" && q.Has("language") {
		return p, badParam("language", "", "empty language")
	}
	p.endpointing = 10 * time.Millisecond // Deepgram's default
	switch e := q.Get("endpointing"); e {
	case "", "true":
	case "false":
		p.endpointing = 0
	default:
		ms, err := strconv.Atoi(e)
		if err != nil || ms < 0 {
			return p, badParam("endpointing", e, "expected milliseconds or false")
		}
		p.endpointing = time.Duration(ms) * time.Millisecond
	}
	if u := q.Get("utterance_end_ms"); u != "" {
		ms, err := strconv.Atoi(u)
		switch {
		case err != nil:
			return p, badParam("utterance_end_ms", u, "expected milliseconds")
		case !p.interim:
			return p, badParam("utterance_end_ms", u, "requires interim_results=true")
		case ms < 1000:
			return p, badParam("utterance_end_ms", u, "must be at least 1000")
		}
		p.utteranceEnd = time.Duration(ms) * time.Millisecond
	}
	nova3 := strings.HasPrefix(p.model, "nova-3")
	if kw := q["keywords"]; len(kw) > 0 {
		if nova3 {
			return p, badParam("keywords", kw[0], "Keywords are not supported for Nova-3 models; use keyterm")
		}
		for _, k := range kw {
			word, boost, ok := strings.Cut(k, ":")
			if word == "" {
				return p, badParam("keywords", k, "empty keyword")
			}
			if _, err := strconv.ParseFloat(boost, 64); ok && err != nil {
				return p, badParam("keywords", k, "expected word:intensifier")
			}
		}
	}
	if kt := q["keyterm"]; len(kt) > 0 {
		if !nova3 {
			return p, badParam("keyterm", kt[0], "Keyterm prompting is only available for Nova-3 and Flux models")
		}
		if err := checkKeyterms(kt); err != nil {
			return p, err
		}
	}
	return p, nil
}

func checkKeyterms(kt []string) error {
	for _, k := range kt {
		if strings.TrimSpace(k) == "" || intensified.MatchString(k) {
			return badParam("keyterm", k, "plain terms only, without intensifiers")
		}
	}
	return nil
}

// parseFlux validates a /v2/listen query.
func parseFlux(q url.Values) (fluxParams, error) {
	var p fluxParams
	p.model = q.Get("model")
	if !strings.HasPrefix(p.model, "flux-general-") {
		return p, badParam("model", p.model, "expected a Flux model such as flux-general-en")
	}
	var err error
	if p.audioParams, err = parseAudio(q, v2Encodings); err != nil {
		return p, err
	}
	p.thresholds = thresholds{eot: 0.7, timeout: 5 * time.Second}
	if v := q.Get("eot_threshold"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return p, badParam("eot_threshold", v, "expected a number")
		}
		p.thresholds.eot = f
	}
	if v := q.Get("eager_eot_threshold"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return p, badParam("eager_eot_threshold", v, "expected a number")
		}
		p.thresholds.eager = f
	}
	if v := q.Get("eot_timeout_ms"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil {
			return p, badParam("eot_timeout_ms", v, "expected milliseconds")
		}
		p.thresholds.timeout = time.Duration(ms) * time.Millisecond
	}
	if err := p.thresholds.check(); err != nil {
		return p, err
	}
	p.keyterms = q["keyterm"]
	if err := checkKeyterms(p.keyterms); err != nil {
		return p, err
	}
	p.hints = q["language_hint"]
	if len(p.hints) > 0 && p.model != "flux-general-multi" {
		return p, badParam("language_hint", p.hints[0], "only valid with flux-general-multi")
	}
	for _, h := range p.hints {
		if h == "" {
			return p, badParam("language_hint", h, "empty language hint")
		}
	}
	for _, name := range []string{"mip_opt_out", "profanity_filter", "numerals"} {
		if _, err := parseBool(q, name); err != nil {
			return p, err
		}
	}
	if r := q.Get("redact"); r != "" && r != "numbers" && r != "aggressive_numbers" {
		return p, badParam("redact", r, "Flux redacts numbers or aggressive_numbers only")
	}
	return p, nil
}

// check validates thresholds against Flux's documented ranges (1.0 for
// eot_threshold is accepted: the SDK notes it disables native end of turn).
func (t thresholds) check() error {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case t.eot < 0.5 || t.eot > 1:
		return badParam("eot_threshold", f(t.eot), "must be between 0.5 and 1.0")
	case t.eager != 0 && (t.eager < 0.3 || t.eager > 0.9):
		return badParam("eager_eot_threshold", f(t.eager), "must be between 0.3 and 0.9")
	case t.eager > t.eot:
		return badParam("eager_eot_threshold", f(t.eager), "must not exceed eot_threshold")
	case t.timeout < 500*time.Millisecond || t.timeout > 10*time.Second:
		return badParam("eot_timeout_ms", strconv.Itoa(int(t.timeout/time.Millisecond)), "must be between 500 and 10000")
	}
	return nil
}
