package jsonsample_test

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/schemacheck"
	"github.com/switchboard-voice/switchboard/providers/internal/jsonsample"
)

// Every sample validates against its schema.
func TestSamplesFollowTheirSchema(t *testing.T) {
	for _, raw := range []string{
		`{"type":"object","properties":{}}`,
		`{"type":"object","properties":{"intent":{"type":"string"},"sentiment":{"type":"string","enum":["positive","neutral","negative"]},
			"appointment_booked":{"type":"boolean"}},"required":["intent"],"additionalProperties":false}`,
		`{"type":"object","properties":{"age":{"type":"integer","minimum":18,"maximum":99},"score":{"type":"number","exclusiveMinimum":0.5,"multipleOf":0.25},
			"small":{"type":"number","maximum":-3},"code":{"type":"string","minLength":12,"maxLength":14}}}`,
		`{"type":"object","properties":{"when":{"type":"string","format":"date-time"},"mail":{"type":"string","format":"email"},
			"day":{"type":"string","format":"date"},"id":{"type":"string","format":"uuid"}}}`,
		`{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":3},
			"notes":{"type":["string","null"]},"kind":{"const":"lead"},"level":{"type":"integer","default":3}}}`,
		`{"type":"object","properties":{"contact":{"anyOf":[{"type":"object","properties":{"phone":{"type":"string"}},"required":["phone"]},{"type":"null"}]}}}`,
		`{"type":"object","properties":{"items":{"type":"array","items":{"$ref":"#/$defs/item"}}},
			"$defs":{"item":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1}},"required":["sku","qty"]}}}`,
		`{"type":"OBJECT","properties":{"ok":{"type":"BOOLEAN"},"n":{"type":"INTEGER","nullable":true}}}`,
		`{"type":"object","properties":{"node":{"$ref":"#"}}}`,
	} {
		var schema map[string]any
		if err := json.Unmarshal([]byte(raw), &schema); err != nil {
			t.Fatal(err)
		}
		doc, err := json.Marshal(jsonsample.Sample(schema))
		if err != nil {
			t.Fatal(err)
		}
		if typ, _ := schema["type"].(string); typ == "OBJECT" { // Gemini's spelling, not JSON Schema's
			if string(doc) != `{"n":1,"ok":true}` {
				t.Errorf("%s: %s", raw, doc)
			}
			continue
		}
		s, err := schemacheck.Compile(schema)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(doc); err != nil {
			t.Errorf("%s\nsample %s: %v", raw, doc, err)
		}
	}
}

// The fakes sample whatever schema a request brings: any JSON object is
// sampled without a panic, into a value that encodes.
func FuzzSample(f *testing.F) {
	for _, seed := range []string{`{"type":"object","properties":{"a":{"type":"string","minLength":3}}}`,
		`{"$ref":"#"}`, `{"$ref":"#/$defs/x/y"}`, `{"type":["null"]}`, `{"type":"array","minItems":1e9,"maxItems":2}`,
		`{"type":"integer","minimum":-1e308,"multipleOf":1e-300}`, `{"type":"string","maxLength":-1}`,
		`{"anyOf":[{"type":"object","properties":{"n":{"$ref":"#"}},"required":["n"]}]}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var schema map[string]any
		if json.Unmarshal([]byte(raw), &schema) != nil || schema == nil {
			return
		}
		if _, err := json.Marshal(jsonsample.Sample(schema)); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	})
}
