package voicedock

import (
	"bytes"
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/secrets"
)

func sealer(t testing.TB) assistant.Sealer {
	box, err := secrets.NewBox(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// Turning autonomous silence handling on fills the ladder VoiceDock
// documents; off removes the prompts.
func TestAutonomousSilenceHandling(t *testing.T) {
	s := sealer(t)
	apply := func(stored *assistant.Result, body string) assistant.Result {
		t.Helper()
		doc, _ := assistant.DecodeDocument([]byte(body))
		var cur *assistant.Config
		var storedDoc assistant.Document
		if stored != nil {
			cur, storedDoc = &stored.Config, stored.Doc
		}
		w, problems := Translate(doc, cur)
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		res, err := assistant.Apply(storedDoc, w, s)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	r := apply(nil, `{"name":"a","autonomous_silence_handling":true}`)
	sl := Read(Meta{}, r.Config).SpeechConfig.Silence
	if *r.Config.IdleTimeout != 3 || *r.Config.SilenceSettings.IntervalSeconds != 12 || *r.Config.MaxIdleMessages != 3 ||
		sl.FirstCheckSeconds != 3 || sl.IntervalSeconds != 12 || sl.MaxAttempts != 3 {
		t.Fatalf("on: %+v", sl)
	}
	r = apply(&r, `{"speech_config":{"silence":{"first_check_seconds":7}}}`)
	if *r.Config.IdleTimeout != 7 {
		t.Fatalf("first check: %v", *r.Config.IdleTimeout)
	}
	r = apply(&r, `{"autonomous_silence_handling":false}`)
	if r.Config.IdleTimeout != nil || Read(Meta{}, r.Config).AutonomousSilenceHandling {
		t.Fatal("off kept the prompts")
	}
	doc, _ := assistant.DecodeDocument([]byte(`{"speech_config":{"silence":{"first_check_seconds":7}}}`))
	if _, problems := Translate(doc, &r.Config); len(problems) != 1 || problems[0].Path != "speech_config.silence.first_check_seconds" {
		t.Fatalf("first check without autonomous handling: %v", problems)
	}
}

func FuzzTranslate(f *testing.F) {
	f.Add([]byte(`{"name":"a","llm_config":{"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}},"server":{"url":"https://x.test"}}]}}`), false)
	f.Add([]byte(`{"speech_config":{"turn_taking":{"endpointing_min_delay":1,"endpointing_max_delay":0.5},"silence":null},"analysis_plan":null}`), true)
	f.Add([]byte(`{"recording_consent":null,"stt_config":{"language":"multi","keyterms":null},"tts_config":{"provider":"11labs"}}`), true)
	s := sealer(f)
	base, err := assistant.Apply(nil, assistant.Write{Fields: assistant.Document{"name": "A"}}, s)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, isUpdate bool) {
		doc, err := assistant.DecodeDocument(body)
		if err != nil {
			return
		}
		stored, current := assistant.Document(nil), (*assistant.Config)(nil)
		if isUpdate {
			stored, current = base.Doc, &base.Config
		}
		w, problems := Translate(doc, current)
		if len(problems) > 0 {
			return
		}
		if res, err := assistant.Apply(stored, w, s); err == nil {
			Read(Meta{}, res.Config)
		}
	})
}
