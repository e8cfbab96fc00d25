package openapi

import (
	"maps"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Router registers routes on a Fiber router together with their
// operations. It is a value: Group and With return new routers.
type Router struct {
	fiber    fiber.Router
	spec     *Spec
	prefix   string
	defaults Defaults
}

// Defaults apply to every operation registered through a router: what its
// middleware enforces and may answer.
type Defaults struct {
	Tags      []string          // for operations without tags
	Security  []*SecurityScheme // for operations without security
	Responses map[int]Response  // added where an operation has none for the status
}

// Router returns a router registering on r and describing into s.
func (s *Spec) Router(r fiber.Router) Router {
	return Router{fiber: r, spec: s}
}

// Group is Fiber's Group: routes under prefix, through handlers first.
func (r Router) Group(prefix string, handlers ...fiber.Handler) Router {
	g := r
	g.fiber = r.fiber.Group(prefix, handlers...)
	g.prefix = joinPath(r.prefix, prefix)
	return g
}

// With returns a router whose operations also get d: its tags and
// security replace the current ones, its responses are added.
func (r Router) With(d Defaults) Router {
	w := r
	if d.Tags != nil {
		w.defaults.Tags = d.Tags
	}
	if d.Security != nil {
		w.defaults.Security = d.Security
	}
	w.defaults.Responses = maps.Clone(r.defaults.Responses)
	if w.defaults.Responses == nil {
		w.defaults.Responses = map[int]Response{}
	}
	maps.Copy(w.defaults.Responses, d.Responses)
	return w
}

// Routes are named by their operation's ID (fiber.Ctx.Route().Name), so
// that middleware can tell what a request did.

// Get registers a GET route (and, as Fiber does, HEAD).
func (r Router) Get(path string, op Operation, handlers ...fiber.Handler) {
	r.describe(fiber.MethodGet, path, op)
	r.fiber.Get(path, handlers...).Name(op.ID)
}

// Post registers a POST route.
func (r Router) Post(path string, op Operation, handlers ...fiber.Handler) {
	r.describe(fiber.MethodPost, path, op)
	r.fiber.Post(path, handlers...).Name(op.ID)
}

// Put registers a PUT route.
func (r Router) Put(path string, op Operation, handlers ...fiber.Handler) {
	r.describe(fiber.MethodPut, path, op)
	r.fiber.Put(path, handlers...).Name(op.ID)
}

// Patch registers a PATCH route.
func (r Router) Patch(path string, op Operation, handlers ...fiber.Handler) {
	r.describe(fiber.MethodPatch, path, op)
	r.fiber.Patch(path, handlers...).Name(op.ID)
}

// Delete registers a DELETE route.
func (r Router) Delete(path string, op Operation, handlers ...fiber.Handler) {
	r.describe(fiber.MethodDelete, path, op)
	r.fiber.Delete(path, handlers...).Name(op.ID)
}

func (r Router) describe(method, path string, op Operation) {
	if op.Tags == nil {
		op.Tags = r.defaults.Tags
	}
	if op.Security == nil {
		op.Security = r.defaults.Security
	}
	if len(r.defaults.Responses) > 0 {
		all := maps.Clone(r.defaults.Responses)
		maps.Copy(all, op.Responses)
		op.Responses = all
	}
	r.spec.add(method, joinPath(r.prefix, path), op)
}

// joinPath joins a group prefix and a path as Fiber does.
func joinPath(prefix, path string) string {
	if path == "" {
		return prefix
	}
	if path[0] != '/' {
		path = "/" + path
	}
	return strings.TrimRight(prefix, "/") + path
}

// Fallback answers every request under the router's prefix that no route
// registered before it matched (an API's own 404). It is not an operation.
func (r Router) Fallback(h fiber.Handler) { r.fiber.Use(h) }
