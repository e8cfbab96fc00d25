package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const (
	version  = "3.1.0"
	dialect  = "https://json-schema.org/draft/2020-12/schema"
	mimeJSON = "application/json"
)

// Spec collects the operations of the routes registered through its
// routers. Mistakes in a description (a duplicate operation id, an
// undeclared path parameter, two models of one name) are programming
// errors: registration panics, naming the route.
type Spec struct {
	info    Info
	routes  []route
	ids     map[string]string // operation id → "METHOD path"
	models  map[string]*Model
	schemes map[string]*SecurityScheme
}

type route struct {
	method, path string // path in OpenAPI's form
	op           Operation
}

// New returns an empty spec.
func New(info Info) *Spec {
	return &Spec{info: info, ids: map[string]string{}, models: map[string]*Model{}, schemes: map[string]*SecurityScheme{}}
}

var paramName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// openAPIPath turns a Fiber path into OpenAPI's ("/a/:id" → "/a/{id}") and
// lists its parameters. Fiber's other path syntax (optional parameters,
// wildcards, constraints) has no OpenAPI equivalent.
func openAPIPath(fiberPath string) (string, []string, error) {
	if len(fiberPath) > 1 {
		fiberPath = strings.TrimRight(fiberPath, "/") // Fiber's routing is not strict
	}
	segs := strings.Split(fiberPath, "/")
	var params []string
	for i, seg := range segs {
		name, isParam := strings.CutPrefix(seg, ":")
		switch {
		case isParam && paramName.MatchString(name):
			params = append(params, name)
			segs[i] = "{" + name + "}"
		case strings.ContainsAny(seg, ":*+?<>{}"):
			return "", nil, fmt.Errorf("openapi: cannot describe path segment %q of %s", seg, fiberPath)
		}
	}
	return strings.Join(segs, "/"), params, nil
}

// add records a route's operation.
func (s *Spec) add(method, fiberPath string, op Operation) {
	path, pathParams, err := openAPIPath(fiberPath)
	if err != nil {
		panic(err)
	}
	where := method + " " + path
	fail := func(format string, args ...any) {
		panic(fmt.Sprintf("openapi: %s: %s", where, fmt.Sprintf(format, args...)))
	}
	if op.ID == "" {
		fail("operation has no ID")
	}
	if other, dup := s.ids[op.ID]; dup {
		fail("operation ID %q is also %s", op.ID, other)
	}
	if slices.ContainsFunc(s.routes, func(r route) bool { return r.method == method && r.path == path }) {
		fail("registered twice")
	}
	if len(op.Responses) == 0 {
		fail("no responses")
	}
	var declared []string
	for _, p := range op.Params {
		switch {
		case p.In == "path":
			declared = append(declared, p.Name)
			if !slices.Contains(pathParams, p.Name) {
				fail("path parameter %q is not in the path", p.Name)
			}
		case p.In != "query" && p.In != "header":
			fail("parameter %q is in %q", p.Name, p.In)
		}
	}
	for _, name := range pathParams {
		if !slices.Contains(declared, name) {
			fail("path parameter %q is not declared", name)
		}
	}
	var register func(m *Model)
	register = func(m *Model) {
		if m == nil {
			return
		}
		if prev, ok := s.models[m.Name]; ok && prev != m {
			fail("two models are named %q", m.Name)
		}
		s.models[m.Name] = m
		for _, r := range m.Refs {
			register(r)
		}
	}
	if op.Body != nil {
		if op.Body.Model == nil {
			fail("request body has no model")
		}
		register(op.Body.Model)
	}
	for _, r := range op.Responses {
		register(r.Model)
	}
	for _, sc := range op.Security {
		if prev, ok := s.schemes[sc.ID]; ok && prev != sc {
			fail("two security schemes are named %q", sc.ID)
		}
		s.schemes[sc.ID] = sc
	}
	s.ids[op.ID] = where
	s.routes = append(s.routes, route{method: method, path: path, op: op})
}

// JSON encodes the document of every operation added so far.
func (s *Spec) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s.document()); err != nil {
		panic("openapi: encode: " + err.Error()) // schemas are plain JSON values
	}
	return buf.Bytes()
}

func (s *Spec) document() document {
	d := document{
		OpenAPI:           version,
		Info:              s.info,
		JSONSchemaDialect: dialect,
		Paths:             map[string]map[string]*operationObject{},
		Components: components{
			Schemas:         map[string]Schema{},
			SecuritySchemes: map[string]securitySchemeObject{},
		},
	}
	for _, r := range s.routes {
		item := d.Paths[r.path]
		if item == nil {
			item = map[string]*operationObject{}
			d.Paths[r.path] = item
		}
		item[strings.ToLower(r.method)] = operation(r.op)
	}
	for name, m := range s.models {
		sch := maps.Clone(m.Schema)
		if m.Description != "" {
			sch["description"] = m.Description
		}
		d.Components.Schemas[name] = sch
	}
	for id, sc := range s.schemes {
		d.Components.SecuritySchemes[id] = securitySchemeObject{Type: sc.Type, Scheme: sc.Scheme, In: sc.In, Name: sc.Name, Description: sc.Description}
	}
	return d
}

func operation(op Operation) *operationObject {
	o := &operationObject{
		OperationID: op.ID,
		Summary:     op.Summary,
		Description: op.Description,
		Tags:        op.Tags,
		Deprecated:  op.Deprecated,
		Responses:   map[string]responseObject{},
	}
	for _, p := range op.Params {
		o.Parameters = append(o.Parameters, parameterObject(p))
	}
	if b := op.Body; b != nil {
		mt := b.MediaType
		if mt == "" {
			mt = mimeJSON
		}
		o.RequestBody = &requestBodyObject{Required: b.Required,
			Content: map[string]mediaTypeObject{mt: {Schema: Ref(b.Model)}}}
	}
	for status, r := range op.Responses {
		ro := responseObject{Description: r.Description}
		switch {
		case r.Model != nil:
			ro.Content = map[string]mediaTypeObject{mimeJSON: {Schema: Ref(r.Model)}}
		case r.MediaType != "":
			ro.Content = map[string]mediaTypeObject{r.MediaType: {Schema: r.Schema}}
		}
		for mt, sch := range r.Alternatives {
			if ro.Content == nil {
				ro.Content = map[string]mediaTypeObject{}
			}
			ro.Content[mt] = mediaTypeObject{Schema: sch}
		}
		o.Responses[strconv.Itoa(status)] = ro
	}
	for _, sc := range op.Security {
		o.Security = append(o.Security, map[string][]string{sc.ID: {}})
	}
	return o
}
