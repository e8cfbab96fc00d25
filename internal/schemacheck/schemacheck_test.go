package schemacheck_test

import (
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
