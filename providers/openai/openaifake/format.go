package openaifake

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// validateFormat checks response_format as the service does: a known type;
// json_object only when a message mentions JSON; json_schema with a name
// and an object schema, which strict mode also requires to close every
// object (additionalProperties false) and to require every property.
func validateFormat(req *ChatRequest) *apiError {
	f := req.ResponseFormat
	if f == nil {
		return nil
	}
	switch f.Type {
	case "text":
		return nil
	case "json_object":
		for _, m := range req.Messages {
			if strings.Contains(strings.ToLower(m.Text()), "json") {
				return nil
			}
		}
		return invalid("messages", "", "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.")
	case "json_schema":
	case "":
		return invalid("response_format.type", "missing_required_parameter", "Missing required parameter: 'response_format.type'.")
	default:
		return invalid("response_format.type", "invalid_value", "Invalid value: '%s'. Supported values are: 'text', 'json_object', and 'json_schema'.", f.Type)
	}
	js := f.JSONSchema
	switch {
	case js == nil:
		return invalid("response_format.json_schema", "missing_required_parameter", "Missing required parameter: 'response_format.json_schema'.")
	case !toolName.MatchString(js.Name):
		return invalid("response_format.json_schema.name", "invalid_value", "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.")
	}
	var schema map[string]any
	if err := json.Unmarshal(js.Schema, &schema); err != nil || schema == nil {
		return invalid("response_format.json_schema.schema", "invalid_type", "Invalid type for 'response_format.json_schema.schema': expected an object, but got %s instead.", kindOf(js.Schema))
	}
	if js.Strict != nil && *js.Strict {
		if t, _ := schema["type"].(string); t != "object" {
			return invalid("response_format", "", "Invalid schema for response_format '%s': schema must be a JSON Schema of 'type: \"object\"', got 'type: \"%v\"'.", js.Name, schema["type"])
		}
		if msg := strictProblem(schema, "()"); msg != "" {
			return invalid("response_format", "", "Invalid schema for response_format '%s': In context=%s", js.Name, msg)
		}
	}
	return nil
}

// strictProblem finds the first object of schema (at context) that strict
// mode refuses, and says why; "" when there is none.
func strictProblem(schema map[string]any, context string) string {
	if props, ok := schema["properties"].(map[string]any); ok || schema["type"] == "object" {
		if schema["additionalProperties"] != false {
			return context + ", 'additionalProperties' is required to be supplied and to be false."
		}
		required := map[string]bool{}
		if list, ok := schema["required"].([]any); ok {
			for _, r := range list {
				if name, ok := r.(string); ok {
					required[name] = true
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(props)) {
			if !required[name] {
				return context + ", 'required' is required to be supplied and to be an array including every key in properties. Missing '" + name + "'."
			}
		}
		for _, name := range slices.Sorted(maps.Keys(props)) {
			if p, ok := props[name].(map[string]any); ok {
				if msg := strictProblem(p, "('properties', '"+name+"')"); msg != "" {
					return msg
				}
			}
		}
	}
	if items, ok := schema["items"].(map[string]any); ok {
		return strictProblem(items, "('items',)")
	}
	return ""
}

// kindOf names a JSON value's type the way the service's messages do.
func kindOf(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "invalid JSON"
	}
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	}
	return "an object"
}
