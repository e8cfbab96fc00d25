package openapitest

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

const validDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/things/{id}": {
      "get": {
        "operationId": "getThing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
        "security": [{"key": []}]
      }
    },
    "/things": {
      "post": {
        "operationId": "createThing",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "responses": {"201": {"description": "created"}}
      }
    }
  },
  "components": {
    "schemas": {"Thing": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3}}, "required": ["name"], "additionalProperties": false}},
    "securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}
  }
}`

func parse(t *testing.T, s string) *Document {
	t.Helper()
	d, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCheckAcceptsAValidDocument(t *testing.T) {
	for _, err := range parse(t, validDoc).Check() {
		t.Error(err)
	}
}

func TestCheckNamesEveryProblem(t *testing.T) {
	broken := strings.NewReplacer(
		`"version": "1"`, `"version": 1`, // not a string: the OpenAPI schema rejects it
		`"#/components/schemas/Thing"}}}}}`, `"#/components/schemas/Nothing"}}}}}`,
		`"operationId": "createThing"`, `"operationId": "getThing"`,
		`"/things": {`, `"/things/{kind}": {`,
		`"security": [{"key": []}]`, `"security": [{"cookie": []}]`,
		`"maxLength": 3`, `"maxLength": "three"`,
	).Replace(validDoc)
	var all []string
	for _, err := range parse(t, broken).Check() {
		all = append(all, err.Error())
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{
		"not a valid OpenAPI 3.1 document",
		`$ref "#/components/schemas/Nothing"`,
		`operationId "getThing" is also`,
		`path parameter "kind" is not declared`,
		`security scheme "cookie" is not defined`,
		"schema at /components/schemas/Thing",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem reported like %q in:\n%s", want, got)
		}
	}
}

func TestCheckFindsAParameterNotInThePath(t *testing.T) {
	d := parse(t, strings.Replace(validDoc, `"/things/{id}"`, `"/things/{thing_id}"`, 1))
	var got []string
	for _, err := range d.Check() {
		got = append(got, err.Error())
	}
	joined := strings.Join(got, "\n")
	if !strings.Contains(joined, `path parameter "id" is not in the path`) || !strings.Contains(joined, `path parameter "thing_id" is not declared`) {
		t.Fatalf("got %s", joined)
	}
}

func TestValidateBodies(t *testing.T) {
	d := parse(t, validDoc)
	if err := d.ValidateResponse("GET", "/things/{id}", 200, []byte(`{"name":"abc"}`)); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{`{"name":"abcd"}`, `{}`, `{"name":"a","x":1}`, `[]`} {
		if err := d.ValidateResponse("GET", "/things/{id}", 200, []byte(bad)); err == nil {
			t.Errorf("response %s accepted", bad)
		}
	}
	if err := d.ValidateResponse("GET", "/things/{id}", 404, []byte(`{}`)); err == nil {
		t.Error("a status the document does not give was accepted")
	}
	if err := d.ValidateRequest("POST", "/things", []byte(`{"name":"abc"}`)); err != nil {
		t.Error(err)
	}
	if err := d.ValidateRequest("POST", "/things", []byte(`{"name":7}`)); err == nil {
		t.Error("invalid request accepted")
	}
}

func TestCompareRoutes(t *testing.T) {
	app := fiber.New()
	h := func(c *fiber.Ctx) error { return nil }
	app.Use(h)                // middleware is not a route
	app.Get("/things/:id", h) // with its HEAD
	app.Post("/things/", h)   // trailing slash
	app.Put("/things/:id", h)
	undocumented, unrouted := parse(t, validDoc).Compare(app.GetRoutes(true))
	if strings.Join(undocumented, ",") != "PUT /things/{id}" || len(unrouted) != 0 {
		t.Fatalf("undocumented %v, unrouted %v", undocumented, unrouted)
	}
	bare := fiber.New()
	bare.Get("/things/:id", h)
	if _, unrouted := parse(t, validDoc).Compare(bare.GetRoutes(true)); strings.Join(unrouted, ",") != "POST /things" {
		t.Fatalf("unrouted %v", unrouted)
	}
}
