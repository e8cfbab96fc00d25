package openapi

import "github.com/gofiber/fiber/v2"

// Serve registers GET /openapi.json on r. The document is built now, once:
// call Serve after every other route is registered.
func (s *Spec) Serve(r Router) {
	var body []byte
	r.Get("/openapi.json", Operation{
		ID:      "getOpenAPI",
		Summary: "This OpenAPI 3.1 document",
		Tags:    []string{"meta"},
		Responses: map[int]Response{200: {
			Description: "The document describing every route of this server.",
			MediaType:   mimeJSON,
			Schema:      Schema{"type": "object"},
		}},
	}, func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	})
	body = s.JSON()
}
