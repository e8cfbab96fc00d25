// Package typeddoc handles configuration objects that clients edit as JSON
// and the engine uses as Go structs: the struct is the schema (json tags
// name the fields, `check` tags hold the rules). Writes are handled as
// generic JSON documents, so that nulls, unknown fields and wrong types
// are seen exactly as sent: documents deep-merge like PATCH, validate with
// every problem reported at its path, seal secrets before they are stored,
// and convert to and from the typed form.
package typeddoc
