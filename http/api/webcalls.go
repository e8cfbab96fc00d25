package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/web"
)

// WebCalls issues browser call tokens: *web.Gateway.
type WebCalls interface {
	Issue(ctx context.Context, organizationID, assistantID int64) (web.Token, error)
}

// webCall issues a one-time token for a browser (or a test client) to call
// the organization's assistant over /telephony/web/stream.
func (a *API) webCall(c *fiber.Ctx) error {
	id, err := pathID(c, "assistant_id")
	if err != nil {
		return err
	}
	tok, err := a.WebCalls.Issue(c.UserContext(), principal(c).OrganizationID, id)
	switch {
	case errors.Is(err, telephony.ErrUnknownNumber):
		return server.Detail(fiber.StatusNotFound, fmt.Sprintf("Assistant with ID %d not found in your organization", id))
	case errors.Is(err, telephony.ErrInactive):
		return server.Detail(fiber.StatusConflict, fmt.Sprintf("Assistant %d is not active: it takes no calls", id))
	case errors.Is(err, telephony.ErrDraining):
		return server.Detail(fiber.StatusServiceUnavailable, "This server is shutting down: try again")
	case err != nil:
		return fmt.Errorf("api: web call token: %w", err)
	}
	return c.Status(fiber.StatusCreated).JSON(tok)
}
