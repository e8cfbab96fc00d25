package openapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/openapi/openapitest"
)

var (
	thing = &openapi.Model{Name: "Thing", Schema: openapi.Schema{"type": "object"}}
	page  = &openapi.Model{Name: "ThingPage", Refs: []*openapi.Model{thing},
		Schema: openapi.Schema{"type": "array", "items": openapi.Ref(thing)}}
	oops = &openapi.Model{Name: "Error", Schema: openapi.Schema{"type": "object"}}
	key  = &openapi.SecurityScheme{ID: "key", Type: "http", Scheme: "bearer"}
	ok   = func(c *fiber.Ctx) error { return c.SendString("ok") }
	id   = openapi.PathParam("thing_id", "", openapi.Schema{"type": "integer"})
)

func op(id string, params ...openapi.Param) openapi.Operation {
	return openapi.Operation{ID: id, Params: params, Responses: map[int]openapi.Response{200: openapi.JSON("ok", thing)}}
}

func served(t *testing.T, app *fiber.App) map[string]any {
	t.Helper()
	resp, err := app.Test(httptest.NewRequest("GET", "/openapi.json", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != fiber.MIMEApplicationJSON {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	doc, err := openapitest.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range doc.Check() {
		t.Error(err)
	}
	undocumented, unrouted := doc.Compare(app.GetRoutes(true))
	if len(undocumented)+len(unrouted) > 0 {
		t.Errorf("undocumented %v, unrouted %v", undocumented, unrouted)
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestRouterDescribesWhatItRegisters(t *testing.T) {
	app := fiber.New()
	spec := openapi.New(openapi.Info{Title: "t", Version: "1"})
	r := spec.Router(app)
	r.Get("/healthz", op("health"), ok)
	api := r.Group("/api", func(c *fiber.Ctx) error { return c.Next() }).With(openapi.Defaults{
		Tags: []string{"things"}, Security: []*openapi.SecurityScheme{key},
		Responses: map[int]openapi.Response{401: openapi.JSON("no key", oops), 200: openapi.JSON("overridden", oops)},
	})
	things := api.Group("/things/")
	things.Get("/", openapi.Operation{ID: "list", Responses: map[int]openapi.Response{200: openapi.JSON("page", page)}}, ok)
	things.Post("/:thing_id/", op("create", id), ok)
	things.Put("/:thing_id", op("put", id), ok)
	things.Patch("/:thing_id", op("patch", id), ok)
	things.Delete("/:thing_id", openapi.Operation{ID: "delete", Params: []openapi.Param{id}, Tags: []string{"own"},
		Security: []*openapi.SecurityScheme{}, Responses: map[int]openapi.Response{204: {Description: "gone"}}}, ok)
	spec.Serve(r)

	doc := served(t, app)
	paths := doc["paths"].(map[string]any)
	list := paths["/api/things"].(map[string]any)["get"].(map[string]any)
	if list["security"] == nil || list["tags"].([]any)[0] != "things" {
		t.Errorf("defaults not applied: %v", list)
	}
	responses := list["responses"].(map[string]any)
	if responses["401"] == nil || responses["200"].(map[string]any)["description"] != "page" {
		t.Errorf("responses %v", responses)
	}
	del := paths["/api/things/{thing_id}"].(map[string]any)["delete"].(map[string]any)
	if del["security"] != nil || del["tags"].([]any)[0] != "own" || del["responses"].(map[string]any)["401"] == nil {
		t.Errorf("an operation's own tags and security replace the defaults: %v", del)
	}
	if paths["/healthz"].(map[string]any)["get"].(map[string]any)["security"] != nil {
		t.Error("a route outside the group is public")
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	if schemas["Thing"] == nil || schemas["ThingPage"] == nil {
		t.Errorf("models and the models they refer to are published: %v", schemas)
	}
	if resp, _ := app.Test(httptest.NewRequest("HEAD", "/api/things/7", nil)); resp.StatusCode != 405 {
		// only GET gets HEAD
		t.Errorf("HEAD of a PUT route: %d", resp.StatusCode)
	}
	if resp, _ := app.Test(httptest.NewRequest("HEAD", "/healthz", nil)); resp.StatusCode != 200 {
		t.Errorf("HEAD of a GET route: %d", resp.StatusCode)
	}
}

func TestDescriptionMistakesPanic(t *testing.T) {
	for name, register := range map[string]func(r openapi.Router){
		"undeclared parameter":  func(r openapi.Router) { r.Get("/things/:thing_id", op("a"), ok) },
		"parameter not in path": func(r openapi.Router) { r.Get("/things", op("a", id), ok) },
		"duplicate id": func(r openapi.Router) {
			r.Get("/a", op("a"), ok)
			r.Get("/b", op("a"), ok)
		},
		"twice": func(r openapi.Router) {
			r.Get("/a", op("a"), ok)
			r.Get("/a/", op("b"), ok)
		},
		"no id":        func(r openapi.Router) { r.Get("/a", openapi.Operation{Responses: op("x").Responses}, ok) },
		"no responses": func(r openapi.Router) { r.Get("/a", openapi.Operation{ID: "a"}, ok) },
		"wildcard":     func(r openapi.Router) { r.Get("/files/*", op("a"), ok) },
		"optional":     func(r openapi.Router) { r.Get("/a/:thing_id?", op("a", id), ok) },
		"model names": func(r openapi.Router) {
			r.Get("/a", op("a"), ok)
			r.Get("/b", openapi.Operation{ID: "b", Responses: map[int]openapi.Response{200: openapi.JSON("", &openapi.Model{Name: "Thing"})}}, ok)
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			register(openapi.New(openapi.Info{}).Router(fiber.New()))
		})
	}
}

func TestPathConversionKeepsParameterNames(t *testing.T) {
	app := fiber.New()
	spec := openapi.New(openapi.Info{Title: "t", Version: "1"})
	r := spec.Router(app)
	r.Get("/a/:thing_id/b/:other", op("a", id, openapi.PathParam("other", "", openapi.Schema{"type": "string"})), ok)
	spec.Serve(r)
	if _, found := served(t, app)["paths"].(map[string]any)["/a/{thing_id}/b/{other}"]; !found || !strings.Contains(string(spec.JSON()), "/openapi.json") {
		t.Fatal("paths not converted")
	}
}

// Carrier webhooks and media streams are described like any route, with
// their own security: a signature header rather than an API key.
func TestCarrierRoutesHaveTheirOwnSecurity(t *testing.T) {
	signature := &openapi.SecurityScheme{ID: "carrierSignature", Type: "apiKey", In: "header", Name: "X-Carrier-Signature",
		Description: "The carrier's signature of the request; a bad or missing one is a 403."}
	form := &openapi.Model{Name: "CallWebhook", Schema: openapi.Schema{"type": "object",
		"properties": openapi.Schema{"CallSid": openapi.Schema{"type": "string"}}}}
	forbidden := openapi.Response{Description: "Bad or missing signature."}
	app := fiber.New()
	spec := openapi.New(openapi.Info{Title: "t", Version: "1"})
	r := spec.Router(app)
	tel := r.Group("/telephony").With(openapi.Defaults{Tags: []string{"telephony"},
		Security: []*openapi.SecurityScheme{signature}, Responses: map[int]openapi.Response{403: forbidden}})
	tel.Post("/carrier/voice", openapi.Operation{ID: "carrierVoice",
		Body: &openapi.Body{Model: form, MediaType: "application/x-www-form-urlencoded", Required: true},
		Responses: map[int]openapi.Response{200: {Description: "Call instructions.", MediaType: "application/xml",
			Schema: openapi.Schema{"type": "string"}}}}, ok)
	tel.Get("/carrier/stream", openapi.Operation{ID: "carrierStream",
		Responses: map[int]openapi.Response{101: {Description: "Switching to the media stream websocket."}}}, ok)
	spec.Serve(r)

	doc := served(t, app)
	voice := doc["paths"].(map[string]any)["/telephony/carrier/voice"].(map[string]any)["post"].(map[string]any)
	if _, ok := voice["requestBody"].(map[string]any)["content"].(map[string]any)["application/x-www-form-urlencoded"]; !ok {
		t.Errorf("form body: %v", voice["requestBody"])
	}
	if fmt.Sprint(voice["security"]) != "[map[carrierSignature:[]]]" {
		t.Errorf("security %v", voice["security"])
	}
	scheme := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)["carrierSignature"].(map[string]any)
	if scheme["type"] != "apiKey" || scheme["in"] != "header" || scheme["name"] != "X-Carrier-Signature" {
		t.Errorf("scheme %v", scheme)
	}
}
