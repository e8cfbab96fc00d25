package typeddoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

type jsTool struct {
	Name    string            `json:"name" check:"required,toolname"`
	URL     string            `json:"url" check:"required,url"`
	Method  string            `json:"method" check:"enum=GET|POST"`
	Params  map[string]any    `json:"params" check:"jsonschema"`
	Headers map[string]string `json:"headers" check:"maxitems=2"`
}

type jsCreds struct {
	SID   *string `json:"sid" check:"maxlen=5"`
	Token *string `json:"token"`
}

type jsInner struct {
	On   bool   `json:"on"`
	Path string `json:"path" check:"required,relpath"`
}

type jsDoc struct {
	Name    string            `json:"name" check:"required,maxlen=10"`
	Mode    *string           `json:"mode" check:"enum=a|b"`
	Level   int               `json:"level" check:"min=1,max=5"`
	Ratio   float64           `json:"ratio" check:"min=0,max=1"`
	Rate    int               `json:"rate" check:"oneof=8000|16000"`
	Hook    *string           `json:"hook" check:"url"`
	Numbers []string          `json:"numbers" check:"e164,maxitems=2"`
	Keys    map[string]string `json:"keys" check:"keyname"`
	Limits  map[string]int    `json:"limits" check:"keyname,maxitems=3,min=1,max=9"`
	Free    map[string]any    `json:"free"`
	Tools   []jsTool          `json:"tools" check:"maxitems=3"`
	Creds   *jsCreds          `json:"creds"`
	Inner   jsInner           `json:"inner"`
}

var jsSchema = New(func() jsDoc {
	return jsDoc{Level: 2, Ratio: 0.5, Rate: 8000, Numbers: []string{}, Keys: map[string]string{},
		Limits: map[string]int{}, Free: map[string]any{}, Tools: []jsTool{}, Inner: jsInner{Path: "rec"}}
}, Options{
	ElementDefaults: map[reflect.Type]func() any{reflect.TypeFor[jsTool](): func() any {
		return jsTool{Method: "POST", Headers: map[string]string{}, Params: map[string]any{"type": "object", "properties": map[string]any{}}}
	}},
	Secrets:  [][]string{{"keys", "*"}, {"creds", "token"}, {"tools", "[]", "headers", "*"}},
	Identity: map[string][]string{"tools": {"name"}},
})

// jsFull sets every field validly.
const jsFull = `{"name":"n","mode":"a","level":3,"ratio":0.25,"rate":16000,"hook":"https://h.example/x",
"numbers":["+14155550100"],"keys":{"openai_key":"k"},"limits":{"deepgram":2},"free":{"a":{"b":1}},
"tools":[{"name":"look-up","url":"http://t.example","method":"GET","params":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]},"headers":{"X-Key":"s"}}],
"creds":{"sid":"AC1","token":"t"},"inner":{"on":true,"path":"a/b"}}`

func compile(t *testing.T, s map[string]any) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("urn:s", s); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("urn:s")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// agree checks the derived schema of a shape against what the engine does
// with each mutated body: a body the engine takes must be valid (the
// schema is never stricter), and a body the schema accepts but the engine
// rejects must be one of the known gaps (rules a pattern cannot express).
func agree(t *testing.T, sh Shape, base string, engineOK func(Document) bool, gaps ...string) {
	t.Helper()
	sch := compile(t, JSONSchema(reflect.TypeFor[jsDoc](), sh, jsSchema))
	var looser []string
	total, rejected := 0, 0
	for _, m := range append(testkit.Mutations(doc(t, base), testkit.Probes(Mask)), doc(t, base)) {
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		obj, isObj := m.(map[string]any)
		if !isObj {
			continue
		}
		engine := engineOK(Clone(obj).(map[string]any))
		v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		schemaErr := sch.Validate(v)
		total++
		switch {
		case engine && schemaErr != nil:
			t.Errorf("the schema rejects what validation accepts: %s\n%v", data, schemaErr)
		case !engine && schemaErr == nil:
			looser = append(looser, string(data))
		case !engine:
			rejected++
		}
	}
	for _, l := range looser {
		known := false
		for _, g := range gaps {
			known = known || strings.Contains(l, g)
		}
		if !known {
			t.Errorf("the schema accepts what validation rejects: %s", l)
		}
	}
	if rejected < total/3 {
		t.Errorf("only %d of %d mutations rejected by both", rejected, total)
	}
}

func TestJSONSchemaStrictAgreesWithValidate(t *testing.T) {
	agree(t, Strict, jsFull, func(d Document) bool { return len(jsSchema.Validate(d)) == 0 },
		`"path":"../up"`)
}

func TestJSONSchemaCreateAgreesWithApplyingToDefaults(t *testing.T) {
	agree(t, Create, jsFull, func(patch Document) bool {
		problems, err := jsSchema.SealPatch(patch, jsSchema.Defaults(), reversible{})
		if err != nil {
			t.Fatal(err)
		}
		return len(problems) == 0 && len(jsSchema.Validate(jsSchema.Merge(jsSchema.Defaults(), patch))) == 0
	}, `"path":"../up"`)
}

func TestJSONSchemaPatchAgreesWithApplyingToAStoredDocument(t *testing.T) {
	stored := jsSchema.Merge(jsSchema.Defaults(), doc(t, jsFull))
	if _, err := jsSchema.SealPatch(stored, nil, reversible{}); err != nil {
		t.Fatal(err)
	}
	if errs := jsSchema.Validate(stored); len(errs) > 0 {
		t.Fatal(errs)
	}
	agree(t, Patch, jsFull, func(patch Document) bool {
		problems, err := jsSchema.SealPatch(patch, stored, reversible{})
		if err != nil {
			t.Fatal(err)
		}
		return len(problems) == 0 && len(jsSchema.ValidatePatched(jsSchema.Merge(stored, patch), patch)) == 0
	}, `"path":"../up"`, Mask)
}

func TestJSONSchemaShapes(t *testing.T) {
	props := func(s map[string]any) map[string]any { return s["properties"].(map[string]any) }
	resp := JSONSchema(reflect.TypeFor[jsDoc](), Response, jsSchema)
	if got := fmt.Sprint(props(props(resp)["creds"].(map[string]any))["token"].(map[string]any)["enum"]); got != "[******** <nil>]" {
		t.Errorf("a secret is shown masked or null: %s", got)
	}
	if got := fmt.Sprint(resp["required"]); !strings.Contains(got, "mode") || !strings.Contains(got, "creds") {
		t.Errorf("every field is in a response: %s", got)
	}
	create := JSONSchema(reflect.TypeFor[jsDoc](), Create, jsSchema)
	if got := fmt.Sprint(create["required"]); got != "[name]" {
		t.Errorf("create requires the fields whose default is invalid: %s", got)
	}
	if _, ok := JSONSchema(reflect.TypeFor[jsDoc](), Patch, jsSchema)["required"]; ok {
		t.Error("a patch requires nothing")
	}
	tools := props(create)["tools"].(map[string]any)["items"].(map[string]any)
	req := []string{}
	for _, r := range tools["required"].([]any) {
		req = append(req, r.(string))
	}
	sort.Strings(req)
	if strings.Join(req, ",") != "name,url" {
		t.Errorf("array elements start from their defaults: required %v", req)
	}
}
