package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
)

// healthBody answers the health and readiness probes.
type healthBody struct {
	Status string `json:"status" check:"enum=ok|ready|unavailable"`
}

var (
	docHealth = openapi.Operation{
		ID: "getHealth", Summary: "Liveness: the process is up", Tags: []string{"health"},
		Responses: map[int]openapi.Response{200: openapi.JSON(`Up: {"status":"ok"}.`, healthModel)},
	}
	docReadiness = openapi.Operation{
		ID: "getReadiness", Summary: "Readiness: the process can serve (the database answers)", Tags: []string{"health"},
		Responses: map[int]openapi.Response{
			200: openapi.JSON(`Ready: {"status":"ready"}.`, healthModel),
			503: openapi.JSON(`Not ready: {"status":"unavailable"}.`, healthModel),
		},
	}
)

// MountHealth registers /healthz (the process is up) and /readyz (it can
// serve: ready returns nil, e.g. the database answers).
func MountHealth(app openapi.Router, ready func(context.Context) error) {
	app.Get("/healthz", docHealth, func(c *fiber.Ctx) error {
		return c.JSON(healthBody{Status: "ok"})
	})
	app.Get("/readyz", docReadiness, func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).JSON(healthBody{Status: "unavailable"})
		}
		return c.JSON(healthBody{Status: "ready"})
	})
}
