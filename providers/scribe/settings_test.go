package scribe

import (
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/voice"
)

func TestQuery(t *testing.T) {
	s := settings()
	s.Language = "de-DE"
	s.ElevenLabsConfig.IncludeLanguageDetection = true
	q, err := query(s, voice.Telephony)
	if err != nil {
		t.Fatal(err)
	}
	want := "audio_format=ulaw_8000&commit_strategy=vad&enable_logging=false&include_language_detection=true&include_timestamps=true" +
		"&language_code=de&min_silence_duration_ms=250&min_speech_duration_ms=100&model_id=scribe_v2_realtime" +
		"&vad_silence_threshold_secs=0.5&vad_threshold=0.5"
	if got := q.Encode(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	s.Language = "multi"
	q, _ = query(s, voice.Format{Encoding: voice.PCM16, SampleRate: 16000})
	if q.Has("language_code") || q.Get("audio_format") != "pcm_16000" {
		t.Fatalf("%v", q)
	}
	for _, f := range []voice.Format{{Encoding: voice.ALaw, SampleRate: 8000}, {Encoding: voice.PCM16, SampleRate: 11025}, {Encoding: voice.ULaw, SampleRate: 16000}} {
		if _, err := query(s, f); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v", f, err)
		}
	}
}
