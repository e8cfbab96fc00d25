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
func (a *API) authenticate(c *fiber.Ctx) error {
	scheme, key, _ := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !strings.EqualFold(scheme, "Bearer") || key == "" {
		return unauthorized(c, "Authentication required. Send Authorization: Bearer <API key>.")
	}
	p, err := a.Authenticator.Authenticate(c.UserContext(), strings.TrimSpace(key))
	if errors.Is(err, auth.ErrUnknownKey) {
		return unauthorized(c, "Invalid or inactive API key.")
	}
	if err != nil {
		return &server.Error{Status: fiber.StatusServiceUnavailable, Body: server.Message{Detail: "Service temporarily unavailable"},
			Err: fmt.Errorf("authenticate: %w", err)}
	}
	c.Locals(principalKey, p)
	return c.Next()
}

func unauthorized(c *fiber.Ctx, detail string) error {
	c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
	return server.Detail(fiber.StatusUnauthorized, detail)
}
