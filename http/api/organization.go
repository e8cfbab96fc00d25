package api

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Organizations serves organization settings.
type Organizations interface {
	Get(ctx context.Context, id int64) (*organization.Org, error)
	Update(ctx context.Context, id int64, patch typeddoc.Document) (*organization.Org, error)
	Replace(ctx context.Context, id int64, body typeddoc.Document) (*organization.Org, error)
	RotateWebhookSecret(ctx context.Context, id int64) (string, error)
}

// webhookSecretBody answers a rotation: the only time the secret is shown.
type webhookSecretBody struct {
	WebhookSecret string `json:"webhook_secret"`
}

type organizationView struct {
	ID       int64                 `json:"id"`
	Name     string                `json:"name"`
	Settings organization.Settings `json:"settings"`
}

func orgError(err error) error {
	var ve *typeddoc.ValidationError
	switch {
	case errors.As(err, &ve):
		return validation("body", ve.Errors)
	case errors.Is(err, persistence.ErrNotFound):
		return server.Detail(fiber.StatusNotFound, "Organization not found")
	default:
		return &server.Error{Status: fiber.StatusServiceUnavailable, Body: server.Message{Detail: "Service temporarily unavailable, retry shortly"}, Err: err}
	}
}

// requireAdmin allows organization-wide changes to admins only.
func requireAdmin(c *fiber.Ctx) error {
	return adminOnly(c, "change organization settings")
}

// adminOnly is a 403 unless the caller is an admin of the organization.
func adminOnly(c *fiber.Ctx, action string) error {
	if principal(c).Role != auth.RoleAdmin {
		return server.Detail(fiber.StatusForbidden, "Only organization admins can "+action)
	}
	return nil
}

func (a *API) getOrganization(c *fiber.Ctx) error {
	o, err := a.Organizations.Get(c.UserContext(), principal(c).OrganizationID)
	if err != nil {
		return orgError(err)
	}
	return c.JSON(organizationView{ID: o.ID, Name: o.Name, Settings: o.Masked})
}

// updateOrganization serves PATCH (the fields sent change) and PUT (the
// writable settings become the body's, as Burki's PUT replaces them).
func (a *API) updateOrganization(change func(Organizations, context.Context, int64, typeddoc.Document) (*organization.Org, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := requireAdmin(c); err != nil {
			return err
		}
		raw, err := jsonBody(c)
		if err != nil {
			return err
		}
		body, err := decodeBody(raw)
		if err != nil {
			return err
		}
		o, err := change(a.Organizations, c.UserContext(), principal(c).OrganizationID, body)
		if err != nil {
			return orgError(err)
		}
		return c.JSON(organizationView{ID: o.ID, Name: o.Name, Settings: o.Masked})
	}
}

// rotateWebhookSecret replaces the webhook signing secret; the response is
// the only time the new secret is shown.
func (a *API) rotateWebhookSecret(c *fiber.Ctx) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	secret, err := a.Organizations.RotateWebhookSecret(c.UserContext(), principal(c).OrganizationID)
	if err != nil {
		return orgError(err)
	}
	return c.JSON(webhookSecretBody{WebhookSecret: secret})
}
