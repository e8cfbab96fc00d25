package gemini

import (
	"encoding/json"
	"strings"

	"github.com/switchboard-voice/switchboard/voice"
)

type request struct {
	Contents          []content        `json:"contents"`
	SystemInstruction *content         `json:"systemInstruction,omitempty"`
	Tools             []toolSet        `json:"tools,omitempty"`
	ToolConfig        *toolConfig      `json:"toolConfig,omitempty"`
	GenerationConfig  generationConfig `json:"generationConfig"`
}

type content struct {
	Role  string `json:"role,omitempty"`
	Parts []part `json:"parts"`
}

type part struct {
	Text             string            `json:"text,omitempty"`
	FunctionCall     *functionCall     `json:"functionCall,omitempty"`
	FunctionResponse *functionResponse `json:"functionResponse,omitempty"`
	ThoughtSignature string            `json:"thoughtSignature,omitempty"`
}

type functionCall struct {
	ID   string          `json:"id,omitempty"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

type functionResponse struct {
	ID       string          `json:"id,omitempty"`
	Name     string          `json:"name"`
	Response json.RawMessage `json:"response"`
}

type toolSet struct {
	FunctionDeclarations []functionDeclaration `json:"functionDeclarations"`
}

type functionDeclaration struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
}

type toolConfig struct {
	FunctionCallingConfig struct {
		Mode string `json:"mode"`
	} `json:"functionCallingConfig"`
}

type generationConfig struct {
	Temperature      *float64       `json:"temperature,omitempty"`
	TopP             *float64       `json:"topP,omitempty"`
	MaxOutputTokens  int            `json:"maxOutputTokens,omitempty"`
	StopSequences    []string       `json:"stopSequences,omitempty"`
	ResponseMimeType string         `json:"responseMimeType,omitempty"`
	ResponseSchema   map[string]any `json:"responseSchema,omitempty"`
}

// maxStop is the service's limit on stop sequences.
const maxStop = 5

// opening stands in for the caller when the conversation starts with the
// assistant (a spoken greeting): the service expects turns to start with
// the user's [unverified whether it insists], and a placeholder costs
// nothing where it does not.
const opening = "(call connected)"

// body maps a request. System messages become systemInstruction; the
// assistant is the "model" role; tool calls are functionCall parts and tool
// results functionResponse parts in a user turn (named after their call,
// which the service requires); consecutive turns of one role merge, as the
// service expects. Settings: temperature, topP when it restricts sampling
// (0 < p < 1), maxOutputTokens, up to five stop sequences. Penalties are
// not sent: several Gemini models refuse them. Structured output is JSON
// (responseMimeType) following responseSchema, the output's schema cut to
// what the API's Schema accepts.
func (c *Client) body(req voice.LLMRequest) ([]byte, error) {
	set := req.Settings
	temp := set.Temperature
	r := request{GenerationConfig: generationConfig{Temperature: &temp, MaxOutputTokens: set.MaxTokens}}
	if set.TopP > 0 && set.TopP < 1 {
		p := set.TopP
		r.GenerationConfig.TopP = &p
	}
	for _, s := range set.StopSequences {
		if s != "" && len(r.GenerationConfig.StopSequences) < maxStop {
			r.GenerationConfig.StopSequences = append(r.GenerationConfig.StopSequences, s)
		}
	}
	names := map[string]string{}   // call ID → function name
	infos := map[string]callInfo{} // call ID → what goes back with it
	for _, m := range req.Messages {
		for _, tc := range m.ToolCalls {
			names[tc.ID] = tc.Name
			infos[tc.ID] = decodeInfo(tc.ProviderData)
		}
	}
	add := func(role string, p ...part) {
		if n := len(r.Contents); n > 0 && r.Contents[n-1].Role == role {
			r.Contents[n-1].Parts = append(r.Contents[n-1].Parts, p...)
			return
		}
		r.Contents = append(r.Contents, content{Role: role, Parts: p})
	}
	var system []part
	for _, m := range req.Messages {
		switch m.Role {
		case voice.RoleSystem:
			if m.Content != "" {
				system = append(system, part{Text: m.Content})
			}
		case voice.RoleUser:
			if m.Content != "" {
				add("user", part{Text: m.Content})
			}
		case voice.RoleAssistant:
			if len(r.Contents) == 0 {
				add("user", part{Text: opening})
			}
			var ps []part
			if m.Content != "" {
				ps = append(ps, part{Text: m.Content})
			}
			for _, tc := range m.ToolCalls {
				info := infos[tc.ID]
				fc := &functionCall{Name: tc.Name, Args: object(tc.Arguments)}
				if info.serviceID {
					fc.ID = tc.ID
				}
				ps = append(ps, part{FunctionCall: fc, ThoughtSignature: info.signature})
			}
			if len(ps) > 0 {
				add("model", ps...)
			}
		case voice.RoleTool:
			fr := &functionResponse{Name: names[m.ToolCallID], Response: response(m.Content)}
			if fr.Name == "" {
				fr.Name = "unknown_tool"
			}
			if infos[m.ToolCallID].serviceID {
				fr.ID = m.ToolCallID
			}
			add("user", part{FunctionResponse: fr})
		}
	}
	if len(system) > 0 {
		r.SystemInstruction = &content{Parts: system}
	}
	if len(req.Tools) > 0 {
		decls := make([]functionDeclaration, len(req.Tools))
		for i, t := range req.Tools {
			decls[i] = functionDeclaration{Name: t.Name, Description: t.Description}
			if t.Parameters != nil {
				params, err := normalize(t.Parameters)
				if err != nil {
					return nil, err
				}
				decls[i].Parameters = schema(params)
			}
		}
		r.Tools = []toolSet{{FunctionDeclarations: decls}}
		r.ToolConfig = &toolConfig{}
		r.ToolConfig.FunctionCallingConfig.Mode = "AUTO"
	}
	if o := req.Output; o != nil {
		s, err := normalize(o.Schema)
		if err != nil {
			return nil, err
		}
		r.GenerationConfig.ResponseMimeType, r.GenerationConfig.ResponseSchema = "application/json", schema(s)
	}
	return json.Marshal(r)
}

// object is a call's arguments as a JSON object, {} if they are not one.
func object(args string) json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(args), &obj) != nil || obj == nil {
		return json.RawMessage("{}")
	}
	return json.RawMessage(args)
}

// response is a tool result as the object the service requires: a JSON
// object as it is, anything else under "output", the key the API documents
// for a function's output.
func response(result string) json.RawMessage {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(result), &obj) == nil && obj != nil {
		return json.RawMessage(result)
	}
	value := json.RawMessage(strings.TrimSpace(result))
	if !json.Valid(value) {
		value, _ = json.Marshal(result)
	}
	out, _ := json.Marshal(map[string]json.RawMessage{"output": value})
	return out
}

// schemaKeys are the fields of the API's Schema object (an OpenAPI subset);
// it refuses any other JSON Schema keyword, e.g. additionalProperties or
// $schema.
var schemaKeys = map[string]bool{
	"type": true, "format": true, "title": true, "description": true, "nullable": true, "enum": true,
	"maxItems": true, "minItems": true, "properties": true, "required": true, "minProperties": true,
	"maxProperties": true, "minLength": true, "maxLength": true, "pattern": true, "example": true,
	"anyOf": true, "propertyOrdering": true, "default": true, "items": true, "minimum": true, "maximum": true,
}

// normalize turns any Go value of a schema into plain JSON maps and lists.
func normalize(v map[string]any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(b, &out)
	return out, err
}

// schema copies a JSON Schema keeping what the API's Schema accepts. A type
// list such as ["string", "null"] becomes the type and nullable.
func schema(s map[string]any) map[string]any {
	out := make(map[string]any, len(s))
	for k, v := range s {
		if !schemaKeys[k] {
			continue
		}
		switch k {
		case "properties":
			if props, ok := v.(map[string]any); ok {
				clean := make(map[string]any, len(props))
				for name, p := range props {
					if ps, ok := p.(map[string]any); ok {
						clean[name] = schema(ps)
					}
				}
				v = clean
			}
		case "items":
			if is, ok := v.(map[string]any); ok {
				v = schema(is)
			}
		case "anyOf":
			if list, ok := v.([]any); ok {
				clean := make([]any, 0, len(list))
				for _, e := range list {
					if es, ok := e.(map[string]any); ok {
						clean = append(clean, schema(es))
					}
				}
				v = clean
			}
		case "type":
			if list, ok := v.([]any); ok {
				v = nil
				for _, t := range list {
					if t == "null" {
						out["nullable"] = true
					} else if v == nil {
						v = t
					}
				}
			}
		}
		if v != nil {
			out[k] = v
		}
	}
	return out
}
