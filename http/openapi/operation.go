package openapi

// Schema is a JSON Schema (draft 2020-12), as OpenAPI 3.1 uses.
type Schema = map[string]any

// Operation describes what one route does.
type Operation struct {
	ID          string // operationId: unique across the document
	Summary     string
	Description string
	Tags        []string // nil: the router's
	Params      []Param  // every path parameter must be declared
	Body        *Body
	Responses   map[int]Response // by HTTP status; the router's are added
	// Security lists the schemes any one of which admits a request: nil
	// takes the router's, and an empty list makes the operation public.
	Security []*SecurityScheme
	// Deprecated marks an operation kept for old clients.
	Deprecated bool
}

// Param is a path or query parameter.
type Param struct {
	Name        string
	In          string // "path", "query" or "header"
	Description string
	Required    bool
	Schema      Schema
}

// PathParam declares a path parameter (always required).
func PathParam(name, description string, s Schema) Param {
	return Param{Name: name, In: "path", Description: description, Required: true, Schema: s}
}

// QueryParam declares an optional query parameter.
func QueryParam(name, description string, s Schema) Param {
	return Param{Name: name, In: "query", Description: description, Schema: s}
}

// Body is a request body: JSON unless MediaType says otherwise (a
// carrier's form-encoded webhook, say).
type Body struct {
	Model     *Model
	MediaType string
	Required  bool
}

// Response is one possible response: a JSON model, another media type
// with its schema, or no body.
type Response struct {
	Description string
	Model       *Model // JSON body
	MediaType   string // a body that is not a model, described by Schema
	Schema      Schema
	// Alternatives are other media types the response may take instead,
	// by their schemas (an export's CSV beside its JSON).
	Alternatives map[string]Schema
}

// JSON is a response whose body is model m.
func JSON(description string, m *Model) Response {
	return Response{Description: description, Model: m}
}

// Model is a named schema, published under components/schemas and
// referred to by operations.
type Model struct {
	Name        string
	Description string
	Schema      Schema
	Refs        []*Model // the models Schema refers to with Ref
}

// Ref is a reference to m, for operations and other models' schemas.
func Ref(m *Model) Schema {
	return Schema{"$ref": "#/components/schemas/" + m.Name}
}

// SecurityScheme is how a request proves it may be served, published
// under components/securitySchemes.
type SecurityScheme struct {
	ID          string // its name in the document
	Type        string // "http" or "apiKey"
	Scheme      string // for http: "bearer"
	In          string // for apiKey: "header", "query" or "cookie"
	Name        string // for apiKey: the header, query parameter or cookie
	Description string
}
