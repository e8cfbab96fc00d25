package famulor

import (
	"bytes"
	"encoding/json"
	"reflect"
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

const update = `{"name":"N","initial_message":"Hi","type":"outbound","voice_id":20,"language_id":3,"llm_model_id":5,
	"endpoint_sensitivity":1.3,"interrupt_sensitivity":4.5,"min_interrupt_words":4,"ambient_sound":"off",
	"tools":[{"type":"assistant_transfer","assistant_id":7,"description":"to billing","message_before_transfer":"One moment",
	"speak_transfer_greeting":false},{"type":"dtmf_input"}],"filler_config":{"question":["Hm."]}}`

// A translated update applies to the configuration and reads back as sent.
func TestUpdateReadsBack(t *testing.T) {
	s := sealer(t)
	base, err := assistant.Apply(nil, assistant.Write{Fields: assistant.Document{"name": "A"}}, s)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := assistant.DecodeDocument([]byte(update))
	ch, problems := Translate(doc, Update, &base.Config)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	res, err := assistant.Apply(base.Doc, ch.Write, s)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(Read(Meta{}, res.Config))
	var item map[string]any
	_ = json.Unmarshal(got, &item)
	var sent map[string]any
	_ = json.Unmarshal([]byte(update), &sent)
	sent["tools"] = []any{
		map[string]any{"type": "dtmf_input", "data": map[string]any{}},
		map[string]any{"type": "assistant_transfer", "data": map[string]any{"assistant_id": 7.0, "description": "to billing",
			"message_before_transfer": "One moment", "speak_transfer_greeting": false}},
	}
	sent["filler_config"] = map[string]any{"positive": []any{}, "negative": []any{}, "question": []any{"Hm."}, "neutral": []any{}}
	for k, v := range sent {
		if !reflect.DeepEqual(item[k], v) {
			t.Errorf("%s reads back %v, want %v", k, item[k], v)
		}
	}
	if res.Config.TTSSettings.Provider != "deepgram" || res.Config.LLMProvider != "anthropic" || res.Config.STTSettings.Language != "nl-NL" {
		t.Fatalf("catalog ids not mapped: %+v", res.Config.TTSSettings)
	}
}

func FuzzTranslate(f *testing.F) {
	f.Add([]byte(update), true)
	f.Add([]byte(`{"name":"x","voice_id":1,"language_id":1,"type":"inbound","mode":"pipeline","timezone":"UTC","initial_message":"",`+
		`"system_prompt":"","llm_model_id":1,"post_call_schema":[{"name":"abc","type":"bool","description":"abc"}],"variables":{"a":"b"}}`), false)
	f.Add([]byte(`{"tools":[{"type":"call_transfer","phone_number":"+4930123","custom":true}],"filler_config":null,"variables":null}`), true)
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
		op, stored, current := Create, assistant.Document(nil), (*assistant.Config)(nil)
		if isUpdate {
			op, stored, current = Update, base.Doc, &base.Config
		}
		ch, problems := Translate(doc, op, current)
		if len(problems) > 0 {
			return
		}
		if res, err := assistant.Apply(stored, ch.Write, s); err == nil {
			Read(Meta{}, res.Config)
		}
	})
}
