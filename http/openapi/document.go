package openapi

// The document's objects as OpenAPI 3.1 spells them.

// Info is the document's info object.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

type document struct {
	OpenAPI           string                                 `json:"openapi"`
	Info              Info                                   `json:"info"`
	JSONSchemaDialect string                                 `json:"jsonSchemaDialect"`
	Paths             map[string]map[string]*operationObject `json:"paths"`
	Components        components                             `json:"components"`
}

type operationObject struct {
	OperationID string                    `json:"operationId"`
	Summary     string                    `json:"summary,omitempty"`
	Description string                    `json:"description,omitempty"`
	Tags        []string                  `json:"tags,omitempty"`
	Parameters  []parameterObject         `json:"parameters,omitempty"`
	RequestBody *requestBodyObject        `json:"requestBody,omitempty"`
	Responses   map[string]responseObject `json:"responses"`
	Security    []map[string][]string     `json:"security,omitempty"`
	Deprecated  bool                      `json:"deprecated,omitempty"`
}

type parameterObject struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Schema      Schema `json:"schema"`
}

type requestBodyObject struct {
	Required bool                       `json:"required,omitempty"`
	Content  map[string]mediaTypeObject `json:"content"`
}

type mediaTypeObject struct {
	Schema Schema `json:"schema"`
}

type responseObject struct {
	Description string                     `json:"description"`
	Content     map[string]mediaTypeObject `json:"content,omitempty"`
}

type components struct {
	Schemas         map[string]Schema               `json:"schemas,omitempty"`
	SecuritySchemes map[string]securitySchemeObject `json:"securitySchemes,omitempty"`
}

type securitySchemeObject struct {
	Type        string `json:"type"`
	Scheme      string `json:"scheme,omitempty"`
	In          string `json:"in,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}
