package openapi_test

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
)

// A route is registered with its operation; the path parameter is declared
// and the models are published with the document.
func ExampleRouter() {
	call := &openapi.Model{Name: "Call", Schema: openapi.Schema{"type": "object"}}
	notFound := &openapi.Model{Name: "Error", Schema: openapi.Schema{"type": "object"}}

	app := fiber.New()
	spec := openapi.New(openapi.Info{Title: "Example", Version: "1"})
	routes := spec.Router(app)
	calls := routes.Group("/api/v1/calls").With(openapi.Defaults{Tags: []string{"calls"}})
	calls.Get("/:call_id", openapi.Operation{
		ID:      "getCall",
		Summary: "Get a call",
		Params:  []openapi.Param{openapi.PathParam("call_id", "The call's id.", openapi.Schema{"type": "integer"})},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The call.", call),
			404: openapi.JSON("No such call.", notFound),
		},
	}, func(c *fiber.Ctx) error { return c.JSON(fiber.Map{}) })
	spec.Serve(routes)

	var doc struct {
		Paths      map[string]map[string]struct{ OperationID string }
		Components struct{ Schemas map[string]any }
	}
	if err := json.Unmarshal(spec.JSON(), &doc); err != nil {
		panic(err)
	}
	fmt.Println(doc.Paths["/api/v1/calls/{call_id}"]["get"].OperationID, len(doc.Paths), len(doc.Components.Schemas))
	// Output: getCall 2 2
}
