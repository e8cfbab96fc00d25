// Package openapi describes the HTTP routes as an OpenAPI 3.1 document and
// serves it at GET /openapi.json.
//
// Routes are registered through a Router, which takes each route's
// Operation beside its handlers, so a route cannot be added without its
// description and the document's paths are the registered paths. Request
// and response schemas are Models, derived from the Go types the handlers
// read and write (see typeddoc.JSONSchema), and published under
// components/schemas.
package openapi
