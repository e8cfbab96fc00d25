// Package openapitest checks OpenAPI 3.1 documents in tests: a document
// against the official OpenAPI 3.1 schema and against itself (references,
// operation ids, path parameters), and real requests and responses against
// the document's schemas, with a JSON Schema 2020-12 validator.
package openapitest

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// oasSchema is the official schema of OpenAPI 3.1 documents (see testdata/README.md).
//
//go:embed testdata/oas-3.1-schema-2022-10-07.json
var oasSchema []byte

const (
	oasSchemaURL = "https://spec.openapis.org/oas/3.1/schema/2022-10-07"
	docURL       = "urn:openapitest:document"
	mimeJSON     = "application/json"
)

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Document is a parsed OpenAPI document.
type Document struct {
	raw      map[string]any
	compiler *jsonschema.Compiler
}

// Parse decodes a document.
func Parse(data []byte) (*Document, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("openapitest: the document is not a JSON object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, raw); err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	return &Document{raw: raw, compiler: c}, nil
}

// Check lists every problem of the document: what the OpenAPI 3.1 schema
// rejects, schemas that are not valid JSON Schema 2020-12, references
// that resolve to nothing, duplicate operation ids, path parameters not
// declared (or declared but not in the path), and security requirements
// naming no scheme.
func (d *Document) Check() []error {
	var errs []error
	if err := validateOAS(d.raw); err != nil {
		errs = append(errs, fmt.Errorf("not a valid OpenAPI 3.1 document: %w", err))
	}
	walkRefs(d.raw, "", func(at, ref string) {
		if _, err := d.lookup(ref); err != nil {
			errs = append(errs, fmt.Errorf("%s: $ref %q: %w", at, ref, err))
		}
	})
	for _, ptr := range d.schemaPointers() {
		if _, err := d.compiler.Compile(docURL + "#" + ptr); err != nil {
			errs = append(errs, fmt.Errorf("schema at %s: %w", ptr, err))
		}
	}
	errs = append(errs, d.checkOperations()...)
	return errs
}

func validateOAS(doc any) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(oasSchema))
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(oasSchemaURL, v); err != nil {
		return err
	}
	sch, err := c.Compile(oasSchemaURL)
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// walkRefs calls fn for every $ref in v, with the JSON pointer holding it.
func walkRefs(v any, at string, fn func(at, ref string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				fn(at, s)
				continue
			}
			walkRefs(e, at+"/"+escape(k), fn)
		}
	case []any:
		for i, e := range x {
			walkRefs(e, at+"/"+strconv.Itoa(i), fn)
		}
	}
}

func escape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// lookup resolves a reference within the document.
func (d *Document) lookup(ref string) (any, error) {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, errors.New("not a reference within the document")
	}
	var v any = d.raw
	if ptr == "" {
		return v, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[tok]
			if !ok {
				return nil, fmt.Errorf("no %q", tok)
			}
			v = e
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("no element %q", tok)
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("nothing under %q", tok)
		}
	}
	return v, nil
}

// schemaPointers locates every schema of the document: components and
// those of parameters, request bodies and responses.
func (d *Document) schemaPointers() []string {
	var out []string
	comps, _ := d.raw["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	for name := range schemas {
		out = append(out, "/components/schemas/"+escape(name))
	}
	d.eachOperation(func(path, method string, op map[string]any) {
		base := "/paths/" + escape(path) + "/" + method
		params, _ := op["parameters"].([]any)
		for i := range params {
			out = append(out, base+"/parameters/"+strconv.Itoa(i)+"/schema")
		}
		body, _ := op["requestBody"].(map[string]any)
		for mt := range asMap(body["content"]) {
			out = append(out, base+"/requestBody/content/"+escape(mt)+"/schema")
		}
		for status, r := range asMap(op["responses"]) {
			for mt := range asMap(asMap(r)["content"]) {
				out = append(out, base+"/responses/"+status+"/content/"+escape(mt)+"/schema")
			}
		}
	})
	slices.Sort(out)
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func (d *Document) eachOperation(fn func(path, method string, op map[string]any)) {
	paths := asMap(d.raw["paths"])
	for _, path := range sortedKeys(paths) {
		item := asMap(paths[path])
		for _, m := range methods {
			if op, ok := item[m].(map[string]any); ok {
				fn(path, m, op)
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

var templateParam = regexp.MustCompile(`\{([^}]+)\}`)

func (d *Document) checkOperations() []error {
	var errs []error
	ids := map[string]string{}
	schemes := asMap(asMap(d.raw["components"])["securitySchemes"])
	d.eachOperation(func(path, method string, op map[string]any) {
		where := strings.ToUpper(method) + " " + path
		id, _ := op["operationId"].(string)
		if other, dup := ids[id]; dup {
			errs = append(errs, fmt.Errorf("%s: operationId %q is also %s's", where, id, other))
		}
		ids[id] = where
		var inPath []string
		for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
			inPath = append(inPath, m[1])
		}
		var declared []string
		for _, p := range asSlice(op["parameters"]) {
			pm := asMap(p)
			if pm["in"] != "path" {
				continue
			}
			name, _ := pm["name"].(string)
			declared = append(declared, name)
			if !slices.Contains(inPath, name) {
				errs = append(errs, fmt.Errorf("%s: path parameter %q is not in the path", where, name))
			}
		}
		for _, name := range inPath {
			if !slices.Contains(declared, name) {
				errs = append(errs, fmt.Errorf("%s: path parameter %q is not declared", where, name))
			}
		}
		for _, req := range asSlice(op["security"]) {
			for name := range asMap(req) {
				if _, ok := schemes[name]; !ok {
					errs = append(errs, fmt.Errorf("%s: security scheme %q is not defined", where, name))
				}
			}
		}
	})
	return errs
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// Operations lists the document's operations as "METHOD /path".
func (d *Document) Operations() []string {
	var out []string
	d.eachOperation(func(path, method string, _ map[string]any) {
		out = append(out, strings.ToUpper(method)+" "+path)
	})
	return out
}

// ValidateResponse checks a JSON response body against the schema the
// document gives the operation (method, OpenAPI path) for the status.
func (d *Document) ValidateResponse(method, path string, status int, body []byte) error {
	return d.validate(fmt.Sprintf("/paths/%s/%s/responses/%d/content/%s/schema",
		escape(path), strings.ToLower(method), status, escape(mimeJSON)), body)
}

// ValidateRequest checks a JSON request body against the operation's
// request body schema.
func (d *Document) ValidateRequest(method, path string, body []byte) error {
	return d.validate(fmt.Sprintf("/paths/%s/%s/requestBody/content/%s/schema",
		escape(path), strings.ToLower(method), escape(mimeJSON)), body)
}

func (d *Document) validate(ptr string, body []byte) error {
	if _, err := d.lookup("#" + ptr); err != nil {
		return fmt.Errorf("the document has no schema at %s: %w", ptr, err)
	}
	sch, err := d.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("not JSON (%w): %q", err, body)
	}
	return sch.Validate(v)
}
