package geminifake

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// known lists the fields of each message type the service parses; it
// refuses unknown names, in either their JSON (camelCase) or proto
// (snake_case) spelling.
var known = map[string][]string{
	"request": {"contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings", "cachedContent", "labels"},
	"content": {"role", "parts"},
	"part": {"text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult",
		"thought", "thoughtSignature", "videoMetadata"},
	"functionCall":        {"id", "name", "args"},
	"functionResponse":    {"id", "name", "response", "willContinue", "scheduling"},
	"tool":                {"functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext"},
	"functionDeclaration": {"name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema", "behavior"},
	"schema": {"type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
		"minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
		"default", "items", "minimum", "maximum"},
	"generationConfig": {"temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "candidateCount", "presencePenalty",
		"frequencyPenalty", "responseMimeType", "responseSchema", "responseJsonSchema", "seed", "responseLogprobs", "logprobs",
		"thinkingConfig", "responseModalities", "speechConfig", "mediaResolution", "enableEnhancedCivicAnswers"},
}

// children says which fields hold messages to check in turn.
var children = map[string]map[string]string{
	"request":             {"contents": "content", "systemInstruction": "content", "tools": "tool", "generationConfig": "generationConfig"},
	"generationConfig":    {"responseSchema": "schema"},
	"content":             {"parts": "part"},
	"part":                {"functionCall": "functionCall", "functionResponse": "functionResponse"},
	"tool":                {"functionDeclarations": "functionDeclaration"},
	"functionDeclaration": {"parameters": "schema"},
	"schema":              {"items": "schema", "anyOf": "schema"},
}

func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// camel maps either spelling of a known field to its JSON name.
func camel(kind, name string) (string, bool) {
	for _, k := range known[kind] {
		if name == k || name == snake(k) {
			return k, true
		}
	}
	return "", false
}

// checkFields walks raw as a message of kind, failing on an unknown field
// with the service's message.
func checkFields(raw json.RawMessage, kind, path string) *apiError {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for i, e := range list {
			if err := checkFields(e, kind, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		v := obj[name]
		k, ok := camel(kind, name)
		if !ok {
			at := ""
			if path != "" {
				at = fmt.Sprintf(" at '%s'", path)
			}
			return invalid("Invalid JSON payload received. Unknown name %q%s: Cannot find field.", name, at)
		}
		sub := path + "." + snake(k)
		if path == "" {
			sub = snake(k)
		}
		if k == "properties" && kind == "schema" {
			var props map[string]json.RawMessage
			_ = json.Unmarshal(v, &props)
			for _, p := range slices.Sorted(maps.Keys(props)) {
				if err := checkFields(props[p], "schema", sub+"["+p+"]"); err != nil {
					return err
				}
			}
			continue
		}
		if child, ok := children[kind][k]; ok {
			if err := checkFields(v, child, sub); err != nil {
				return err
			}
		}
	}
	return nil
}

// validate checks a decoded request as the service does.
func validate(model string, req *GenerateRequest) *apiError {
	if len(req.Contents) == 0 {
		return invalid("* GenerateContentRequest.contents: contents is not specified\n")
	}
	if g := req.GenerationConfig; g != nil && g.Temperature != nil && (*g.Temperature < 0 || *g.Temperature > 2) {
		return invalid("* GenerateContentRequest.generation_config.temperature: must be in the range [0, 2]\n")
	}
	if e := validateOutput(req.GenerationConfig); e != nil {
		return e
	}
	for i, t := range req.Tools {
		for j, d := range t.FunctionDeclarations {
			if d.Name == "" {
				return invalid("* GenerateContentRequest.tools[%d].function_declarations[%d].name: Name cannot be empty.\n", i, j)
			}
		}
	}
	calls := 0 // function calls of the previous model turn
	for i, c := range req.Contents {
		if c.Role != "user" && c.Role != "model" {
			return invalid("Please use a valid role: user, model.")
		}
		if len(c.Parts) == 0 {
			return invalid("* GenerateContentRequest.contents[%d].parts: contents.parts must not be empty.\n", i)
		}
		responses, thisCalls := 0, 0
		for j, p := range c.Parts {
			switch {
			case p.FunctionCall != nil:
				thisCalls++
			case p.FunctionResponse != nil:
				responses++
			case p.Text == nil:
				return invalid("* GenerateContentRequest.contents[%d].parts[%d].data: required oneof field 'data' must have one initialized field\n", i, j)
			}
		}
		if (calls > 0 || responses > 0) && responses != calls {
			return invalid("Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.")
		}
		calls = thisCalls
	}
	if strings.HasPrefix(model, "gemini-3") {
		return checkSignatures(req.Contents)
	}
	return nil
}

// validateOutput checks the structured output settings: a schema needs
// JSON output, and only one kind of schema may be given.
func validateOutput(g *GenerationConfig) *apiError {
	if g == nil {
		return nil
	}
	mime := ""
	if g.ResponseMimeType != nil {
		mime = *g.ResponseMimeType
	}
	switch mime {
	case "", "text/plain", "application/json", "text/x.enum":
	default:
		return invalid("* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.\n")
	}
	hasSchema, hasJSONSchema := len(g.ResponseSchema) > 0, len(g.ResponseJSONSchema) > 0
	switch {
	case hasSchema && hasJSONSchema:
		return invalid("* GenerateContentRequest.generation_config.response_schema: only one of response_schema and response_json_schema may be set.\n")
	case (hasSchema || hasJSONSchema) && mime != "application/json" && mime != "text/x.enum":
		return invalid("* GenerateContentRequest.generation_config.response_mime_type: response_mime_type must be application/json when a response schema is set.\n")
	}
	return nil
}

// checkSignatures applies Gemini 3's rule: in the current turn (since the
// last user text), the first function call of each model step carries the
// thought signature the model gave it.
func checkSignatures(contents []Content) *apiError {
	start := 0
	for i, c := range contents {
		if c.Role == "user" && c.Text() != "" {
			start = i
		}
	}
	for _, c := range contents[start:] {
		for j, p := range c.Parts {
			if p.FunctionCall != nil {
				if p.ThoughtSignature == "" {
					return invalid("Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:%s` , position %d. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.", p.FunctionCall.Name, j+1)
				}
				break
			}
		}
	}
	return nil
}
