package deepgram

import (
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

// TestSettingsMapping opens streams on the fake and checks what it was
// asked, parameter by parameter.
func TestSettingsMapping(t *testing.T) {
	srv, base := startFake(t, deepgramfake.Config{})
	tag := "call-center"
	cases := []struct {
		name   string
		format voice.Format
		edit   func(*assistant.STTSettings)
		path   string
		want   url.Values // exact values; absent keys listed in omit
		omit   []string
	}{
		{
			name: "defaults (nova-2)", format: voice.Telephony,
			edit: func(s *assistant.STTSettings) {
				s.Keywords = []assistant.Keyword{{Keyword: "Acme", Intensifier: 2.5}, {Keyword: "widget"}}
				s.Keyterms = []string{"ignored for nova-2"}
			},
			path: "/deepgram/v1/listen",
			want: url.Values{
				"model": {"nova-2"}, "language": {"en-US"}, "encoding": {"mulaw"}, "sample_rate": {"8000"}, "channels": {"1"},
				"punctuate": {"true"}, "smart_format": {"true"}, "interim_results": {"true"}, "endpointing": {"500"},
				"utterance_end_ms": {"1000"}, "vad_events": {"true"}, "diarize": {"false"}, "detect_entities": {"false"},
				"keywords": {"Acme:2.5", "widget"},
			},
			omit: []string{"keyterm"},
		},
		{
			name: "nova-3 keyterms, alaw, clamped utterance end", format: voice.Format{Encoding: voice.ALaw, SampleRate: 8000},
			edit: func(s *assistant.STTSettings) {
				s.Model, s.Language = "nova-3", "multi"
				s.Keyterms = []string{"Acme Corp", "Zed"}
				s.Keywords = []assistant.Keyword{{Keyword: "ignored"}}
				s.UtteranceEndMS = 300
				s.Diarize, s.DetectEntities = true, true
				s.Endpointing.SilenceThreshold = 0
			},
			path: "/deepgram/v1/listen",
			want: url.Values{"model": {"nova-3"}, "language": {"multi"}, "encoding": {"alaw"}, "keyterm": {"Acme Corp", "Zed"},
				"utterance_end_ms": {"1000"}, "diarize": {"true"}, "detect_entities": {"true"}},
			omit: []string{"keywords", "endpointing"},
		},
		{
			name: "no interims, no utterance end, linear16", format: voice.Format{Encoding: voice.PCM16, SampleRate: 16000},
			edit: func(s *assistant.STTSettings) { s.InterimResults = false },
			path: "/deepgram/v1/listen",
			want: url.Values{"interim_results": {"false"}, "encoding": {"linear16"}, "sample_rate": {"16000"}},
			omit: []string{"utterance_end_ms"},
		},
		{
			name: "flux model with flux_config", format: voice.Telephony,
			edit: func(s *assistant.STTSettings) {
				s.Model = "flux-general-multi"
				s.Keyterms = []string{"Acme"}
				s.FluxConfig = assistant.FluxConfig{EOTTimeoutMS: 3000, EagerEOTThreshold: 0.4, EOTThreshold: 0.8,
					LanguageHints: []string{"en", "es"}, Tag: &tag, MIPOptOut: true}
			},
			path: "/deepgram/v2/listen",
			want: url.Values{"model": {"flux-general-multi"}, "encoding": {"mulaw"}, "sample_rate": {"8000"},
				"eot_threshold": {"0.8"}, "eager_eot_threshold": {"0.4"}, "eot_timeout_ms": {"3000"}, "keyterm": {"Acme"},
				"language_hint": {"en", "es"}, "tag": {"call-center"}, "mip_opt_out": {"true"}},
			omit: []string{"language", "punctuate", "vad_events", "interim_results"},
		},
		{
			name: "prefer_flux_for_english with English", format: voice.Telephony,
			edit: func(s *assistant.STTSettings) {
				s.PreferFluxForEnglish, s.Language = true, "en-GB"
				s.EnglishFluxConfig = assistant.FluxConfig{EOTTimeoutMS: 6000, EagerEOTThreshold: 0.9, EOTThreshold: 0.9,
					LanguageHints: []string{"en"}}
			},
			path: "/deepgram/v2/listen",
			want: url.Values{"model": {"flux-general-en"}, "eot_threshold": {"0.9"}, "eager_eot_threshold": {"0.9"}, "eot_timeout_ms": {"6000"}},
			omit: []string{"language_hint", "mip_opt_out", "tag"},
		},
		{
			name: "prefer_flux_for_english with Spanish stays v1", format: voice.Telephony,
			edit: func(s *assistant.STTSettings) { s.PreferFluxForEnglish, s.Language = true, "es" },
			path: "/deepgram/v1/listen",
			want: url.Values{"model": {"nova-2"}, "language": {"es"}},
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := assistant.Defaults().STTSettings
			tc.edit(&s)
			var rec stttest.Recorder
			st, err := New(testConfig).OpenSTT(t.Context(), voice.STTOptions{Settings: s, Format: tc.format, Key: testKey, BaseURL: base}, rec.Emit)
			if err != nil {
				t.Fatal(err)
			}
			rec.Close(t, st)
			sess := srv.Sessions()[i]
			if sess.Path != tc.path || sess.Status != 101 {
				t.Fatalf("session %+v", sess)
			}
			for k, v := range tc.want {
				if got := sess.Query[k]; !slices.Equal(got, v) {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for _, k := range tc.omit {
				if sess.Query.Has(k) {
					t.Errorf("%s = %q, want it absent", k, sess.Query[k])
				}
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	opts := func(base string, f voice.Format) voice.STTOptions {
		return voice.STTOptions{Settings: assistant.Defaults().STTSettings, Format: f, Key: "k", BaseURL: base}
	}
	for base, want := range map[string]string{
		"":                             "wss://api.deepgram.com/v1/listen",
		"http://127.0.0.1:9000/dg/":    "ws://127.0.0.1:9000/dg/v1/listen",
		"https://proxy.example/a/b":    "wss://proxy.example/a/b/v1/listen",
		"ws://127.0.0.1:1":             "ws://127.0.0.1:1/v1/listen",
		"wss://api.eu.deepgram.com/x/": "wss://api.eu.deepgram.com/x/v1/listen",
	} {
		u, flux, err := endpoint(opts(base, voice.Telephony))
		if err != nil || flux {
			t.Fatalf("%q: %v %v", base, err, flux)
		}
		parsed, _ := url.Parse(u)
		parsed.RawQuery = ""
		if parsed.String() != want {
			t.Errorf("%q → %s, want %s", base, parsed, want)
		}
	}
	for _, bad := range []voice.STTOptions{
		opts("ftp://x", voice.Telephony),
		opts("", voice.Format{Encoding: voice.ULaw}),
		opts("", voice.Format{SampleRate: 8000}),
	} {
		if _, _, err := endpoint(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, _, err := endpoint(opts("", voice.Format{SampleRate: 8000})); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown encoding: %v", err)
	}
	if _, err := New(Config{}).OpenSTT(t.Context(), voice.STTOptions{Format: voice.Telephony}, func(voice.STTEvent) {}); !errors.Is(err, ErrNoKey) {
		t.Errorf("no key: %v", err)
	}
}

func TestKeywordModels(t *testing.T) {
	for model, want := range map[string][2]bool{ // keyterms, keywords
		"nova-3": {true, false}, "nova-3-medical": {true, false}, "nova-2": {false, true}, "nova-2-phonecall": {false, true},
		"nova": {false, true}, "enhanced-general": {false, true}, "base": {false, true}, "whisper-large": {false, false},
		"novanet": {false, false},
	} {
		if got := [2]bool{takesKeyterms(model), takesKeywords(model)}; got != want {
			t.Errorf("%s: %v, want %v", model, got, want)
		}
	}
}
