package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// decodedParam is a path parameter, percent-decoded once (clients encode
// "+" as %2B); ok is false when it does not decode.
func decodedParam(c *fiber.Ctx, name string) (v string, ok bool) {
	v, err := url.PathUnescape(strings.Clone(c.Params(name))) // Params is the request buffer's, reused
	return v, err == nil
}

// pathText is a path parameter, decoded once: one that does not decode,
// or cannot be stored as text, is a 422.
func pathText(c *fiber.Ctx, name string) (string, error) {
	v, ok := decodedParam(c, name)
	if !ok {
		return "", badParam("path", name, "is not percent-encoded correctly")
	}
	if te := typeddoc.CheckText(v); te != nil {
		return "", badParam("path", name, "%s", te.Msg)
	}
	return v, nil
}

// pathID parses an integer id from the path.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	raw, err := pathText(c, name)
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, badParam("path", name, "must be a positive integer")
	}
	return id, nil
}

// page is the skip and limit of a list, echoed in its response.
type page struct {
	Skip  int `json:"skip"`
	Limit int `json:"limit"`
}

// pageLimits are a list's default and largest page sizes.
type pageLimits struct{ def, max int }

var (
	listLimits    = pageLimits{def: 100, max: 1000}
	historyLimits = pageLimits{def: 50, max: 500}
)

const maxSkip = 1<<31 - 1

// pagination reads skip and limit.
func pagination(c *fiber.Ctx, l pageLimits) (page, error) {
	p := page{Limit: l.def}
	var err error
	if p.Skip, err = queryInt(c, "skip", 0, 0, maxSkip); err != nil {
		return page{}, err
	}
	if p.Limit, err = queryInt(c, "limit", l.def, 1, l.max); err != nil {
		return page{}, err
	}
	return p, nil
}

// params document skip and limit.
func (l pageLimits) params() []openapi.Param {
	return []openapi.Param{
		openapi.QueryParam("skip", "How many items to skip.", openapi.Schema{"type": "integer", "minimum": 0, "maximum": maxSkip, "default": 0}),
		openapi.QueryParam("limit", "How many items to return at most.", openapi.Schema{"type": "integer", "minimum": 1, "maximum": l.max, "default": l.def}),
	}
}

func queryInt(c *fiber.Ctx, name string, def, lo, hi int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, badParam("query", name, "must be an integer between %d and %d", lo, hi)
	}
	return n, nil
}

// queryText reads a text query parameter: one that cannot be stored as
// text (not UTF-8, or a NUL) is a 422.
func queryText(c *fiber.Ctx, name string) (string, error) {
	v := c.Query(name)
	if te := typeddoc.CheckText(v); te != nil {
		return "", badParam("query", name, "%s", te.Msg)
	}
	return strings.Clone(v), nil
}

// queryBool reads an optional true/false query parameter.
func queryBool(c *fiber.Ctx, name string) (*bool, error) {
	raw := c.Query(name)
	if raw == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return nil, badParam("query", name, "must be true or false")
	}
	return &b, nil
}
