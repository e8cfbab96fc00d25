package openapitest

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Compare matches an app's routes (app.GetRoutes(true): without
// middleware) with the document's operations, and returns, as "METHOD
// /path", the routes the document lacks and the operations no route
// serves. Fiber's ":param" is OpenAPI's "{param}", and trailing slashes do
// not matter (routing is not strict). A HEAD route is covered by a GET of
// its path: Fiber registers one with every GET.
func (d *Document) Compare(routes []fiber.Route) (undocumented, unrouted []string) {
	documented := d.Operations()
	served := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + openAPIPath(r.Path)
		served[key] = true
		covered := slices.Contains(documented, key) ||
			(r.Method == fiber.MethodHead && slices.Contains(documented, fiber.MethodGet+" "+openAPIPath(r.Path)))
		if !covered && !slices.Contains(undocumented, key) {
			undocumented = append(undocumented, key)
		}
	}
	for _, op := range documented {
		if !served[op] {
			unrouted = append(unrouted, op)
		}
	}
	slices.Sort(undocumented)
	return undocumented, unrouted
}

func openAPIPath(fiberPath string) string {
	if len(fiberPath) > 1 {
		fiberPath = strings.TrimRight(fiberPath, "/")
	}
	segs := strings.Split(fiberPath, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			segs[i] = "{" + name + "}"
		}
	}
	return strings.Join(segs, "/")
}
