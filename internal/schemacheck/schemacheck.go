// Package schemacheck compiles the JSON Schemas tenants write (the data a
// post-call analysis extracts) and checks documents against them. A schema
// is self-contained: references to anything but itself ($ref to a file or
// a URL) are refused, so a tenant's schema can never make the engine read
// a file or reach a network address.
package schemacheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// location names the schema being compiled; references resolve against it.
const location = "urn:switchboard:schema"

// ErrExternalRef is a reference outside the schema itself.
var ErrExternalRef = errors.New("references outside the schema are not allowed")

// Schema is a compiled schema; it is safe for concurrent use.
type Schema struct {
	s *jsonschema.Schema
}

// Compile compiles schema (draft 2020-12 unless its $schema says
// otherwise).
func Compile(schema map[string]any) (*Schema, error) {
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil, fmt.Errorf("schemacheck: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("schemacheck: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	if err := c.AddResource(location, doc); err != nil {
		return nil, fmt.Errorf("schemacheck: %w", err)
	}
	s, err := c.Compile(location)
	if err != nil {
		return nil, fmt.Errorf("schemacheck: %s", clean(err.Error()))
	}
	return &Schema{s: s}, nil
}

// Validate checks that data is JSON that the schema accepts; the error
// says where and why not, in words a model can act on.
func (s *Schema) Validate(data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	if err := s.s.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return errors.New(clean(ve.Error()))
		}
		return err
	}
	return nil
}

// clean makes one line of the library's messages, without its headline
// and the schema's internal location.
func clean(msg string) string {
	var parts []string
	for _, line := range strings.Split(strings.ReplaceAll(msg, location, "schema"), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if line != "" && !strings.HasPrefix(line, "jsonschema validation failed") {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, "; ")
}

// noLoader refuses every reference the schema does not resolve itself.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%w: %s", ErrExternalRef, url)
}
