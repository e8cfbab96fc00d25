package speechmatics

import (
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/voice"
)

func TestStartMessage(t *testing.T) {
	s := settings()
	s.Keyterms = []string{"Switchboard"}
	s.DetectEntities = true
	s.SpeechmaticsConfig.AdditionalVocab = []string{"molar"}
	s.SpeechmaticsConfig.EnableDiarization = true
	b, err := startMessage(s, voice.Telephony)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"message":"StartRecognition","audio_format":{"type":"raw","encoding":"mulaw","sample_rate":8000},` +
		`"transcription_config":{"language":"en","operating_point":"enhanced","max_delay":0.7,"enable_partials":true,"enable_entities":true,` +
		`"additional_vocab":[{"content":"molar"},{"content":"Switchboard"}],"diarization":"speaker","speaker_diarization_config":{"max_speakers":2},` +
		`"transcript_filtering_config":{"remove_disfluencies":true},"conversation_config":{"end_of_utterance_silence_trigger":0.5}}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	s = settings()
	s.InterimResults = false // partials need interim results too
	s.SpeechmaticsConfig.UtteranceSilenceTimeout = 0
	s.SpeechmaticsConfig.RemoveDisfluencies = false
	b, _ = startMessage(s, voice.Format{Encoding: voice.PCM16, SampleRate: 16000})
	want = `{"message":"StartRecognition","audio_format":{"type":"raw","encoding":"pcm_s16le","sample_rate":16000},` +
		`"transcription_config":{"language":"en","operating_point":"enhanced","max_delay":0.7,"enable_partials":false,"enable_entities":false}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if _, err := startMessage(s, voice.Format{Encoding: voice.ALaw, SampleRate: 8000}); !errors.Is(err, ErrFormat) {
		t.Fatalf("A-law: %v", err)
	}
}
