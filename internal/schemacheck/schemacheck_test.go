package schemacheck_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/schemacheck"
)

var lead = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"name":      map[string]any{"type": "string"},
		"sentiment": map[string]any{"type": "string", "enum": []any{"positive", "neutral", "negative"}},
		"callback":  map[string]any{"type": "boolean"},
		"items":     map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/item"}},
	},
	"required": []any{"name", "callback"},
	"$defs":    map[string]any{"item": map[string]any{"type": "integer", "minimum": 1}},
}

func TestValidate(t *testing.T) {
	s, err := schemacheck.Compile(lead)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate([]byte(`{"name":"Ada","callback":true,"sentiment":"positive","items":[1,2]}`)); err != nil {
		t.Fatalf("valid document refused: %v", err)
	}
	for doc, want := range map[string]string{
		`{"name":"Ada"}`:                                 `missing property 'callback'`,
		`{"name":"Ada","callback":"yes"}`:                `at '/callback': got string, want boolean`,
		`{"name":"Ada","callback":true,"items":[0]}`:     `at '/items/0': minimum: got 0, want 1`,
		`{"name":"Ada","callback":true,"sentiment":"?"}`: `at '/sentiment': value must be one of`,
		`{"name":`: `not valid JSON`,
	} {
		err := s.Validate([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", doc, err, want)
		}
	}
}

// A tenant's schema is self-contained: it cannot make the engine read a
// file or fetch a URL.
func TestExternalReferencesRefused(t *testing.T) {
	for _, ref := range []string{"file:///etc/passwd", "https://example.com/schema.json", "http://127.0.0.1/s.json"} {
		_, err := schemacheck.Compile(map[string]any{"type": "object", "properties": map[string]any{"x": map[string]any{"$ref": ref}}})
		if err == nil || !strings.Contains(err.Error(), schemacheck.ErrExternalRef.Error()) {
			t.Errorf("%s: %v", ref, err)
		}
	}
}

func TestInvalidSchema(t *testing.T) {
	_, err := schemacheck.Compile(map[string]any{"type": "object", "properties": map[string]any{"n": map[string]any{"type": "count"}}})
	if err == nil || errors.Is(err, schemacheck.ErrExternalRef) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("%v", err)
	}
}

// A model's answer is untrusted input: whatever it is, checking it ends
// in nil or an error of one line, and only a JSON document can pass.
func FuzzValidate(f *testing.F) {
	s, err := schemacheck.Compile(lead)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{`{"name":"Ada","callback":true,"items":[1]}`, `{"name":"Ada"}`, `[]`, `null`, `{"name":`,
		"```json\n{}\n```", `{"name":"\ud800","callback":true}`, `{"callback":true,"name":"a","items":[1e400]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := s.Validate(doc)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("a message of several lines: %q", err)
		}
		if err == nil && !json.Valid(doc) {
			t.Fatalf("invalid JSON accepted: %q", doc)
		}
	})
}
