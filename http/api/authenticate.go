package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/http/server"
)

type localKey int

const principalKey localKey = iota

// authenticate requires "Authorization: Bearer <key>" on every /api route.
func (a *API) authenticate(c *fiber.Ctx) error { return a.authenticateAs(c, burkiErrors) }

// authenticateAs authenticates with the errors of an API's shape.
func (a *API) authenticateAs(c *fiber.Ctx, shape errorShape) error {
	scheme, key, _ := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !strings.EqualFold(scheme, "Bearer") || key == "" {
		c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
		return shape.unauthorized("Authentication required. Send Authorization: Bearer <API key>.")
	}
	p, err := a.Authenticator.Authenticate(c.UserContext(), strings.TrimSpace(key))
	if errors.Is(err, auth.ErrUnknownKey) {
		c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
		return shape.unauthorized("Invalid or inactive API key.")
	}
	if err != nil {
		return shape.unavailable(fmt.Errorf("authenticate: %w", err))
	}
	c.Locals(principalKey, p)
	return c.Next()
}

// errorShape renders the errors every API answers alike in its own shape.
type errorShape struct {
	unauthorized func(detail string) error
	unavailable  func(cause error) error
}

var burkiErrors = errorShape{
	unauthorized: func(detail string) error { return server.Detail(fiber.StatusUnauthorized, detail) },
	unavailable: func(cause error) error {
		return &server.Error{Status: fiber.StatusServiceUnavailable, Body: server.Message{Detail: "Service temporarily unavailable"}, Err: cause}
	},
}
