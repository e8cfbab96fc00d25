package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/persistence"
)

// KeyStore keeps API keys.
type KeyStore interface {
	InsertAPIKey(ctx context.Context, k persistence.NewAPIKey) (persistence.APIKey, error)
	ListAPIKeys(ctx context.Context, sc persistence.APIKeyScope, skip, limit int) ([]persistence.APIKey, int, error)
	RenameAPIKey(ctx context.Context, sc persistence.APIKeyScope, id int64, name string) (persistence.APIKey, error)
	RevokeAPIKey(ctx context.Context, sc persistence.APIKeyScope, id int64) (persistence.APIKey, []byte, error)
}

// keyScope is whose keys a route manages: the caller's own (Burki's
// /users/me/api-keys) or the whole organization's (/api-keys).
type keyScope int

const (
	ownKeys keyScope = iota
	organizationKeys
)

func (s keyScope) of(c *fiber.Ctx) persistence.APIKeyScope {
	p := principal(c)
	sc := persistence.APIKeyScope{OrganizationID: p.OrganizationID}
	if s == ownKeys {
		sc.UserID = &p.UserID
	}
	return sc
}

// apiKeyCreate is a POST /users/me/api-keys body.
type apiKeyCreate struct {
	Name string `json:"name" check:"required,maxlen=100"`
	// ExpiresAt is an RFC 3339 time in the future; null or absent: never.
	ExpiresAt *string `json:"expires_at" check:"maxlen=64"`
}

// apiKeyRename is a PUT body.
type apiKeyRename struct {
	Name string `json:"name" check:"required,maxlen=100"`
}

// apiKeyCreated is the only response that shows a key.
type apiKeyCreated struct {
	APIKey persistence.APIKey `json:"api_key"`
	Key    string             `json:"key"`
}

var (
	apiKeyCreateBody = newStrictBody[apiKeyCreate]()
	apiKeyRenameBody = newStrictBody[apiKeyRename]()
)

// keyName checks a key's name is not blank.
func keyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", badParam("body", "name", "must not be blank")
	}
	return name, nil
}

func keyFail(err error, id int64) error {
	if errors.Is(err, persistence.ErrNotFound) {
		return server.Detail(fiber.StatusNotFound, fmt.Sprintf("API key with ID %d not found in your organization", id))
	}
	return callFail(err, "API key")
}

func (a *API) listKeys(scope keyScope) fiber.Handler {
	return func(c *fiber.Ctx) error {
		pg, err := pagination(c, listLimits)
		if err != nil {
			return err
		}
		keys, total, err := a.Keys.ListAPIKeys(c.UserContext(), scope.of(c), pg.Skip, pg.Limit)
		if err != nil {
			return callFail(err, "API key")
		}
		return c.JSON(listPage[persistence.APIKey]{Items: keys, Total: total, page: pg})
	}
}

// parseKeyCreate reads a create body: a name that is not blank, and an
// expiry after now, if any.
func parseKeyCreate(body []byte, now time.Time) (string, *time.Time, error) {
	w, err := apiKeyCreateBody.parse(body)
	if err != nil {
		return "", nil, err
	}
	name, err := keyName(w.Name)
	if err != nil {
		return "", nil, err
	}
	if w.ExpiresAt == nil {
		return name, nil, nil
	}
	t, err := time.Parse(time.RFC3339, *w.ExpiresAt)
	if err != nil {
		return "", nil, badParam("body", "expires_at", "must be an RFC 3339 time, such as 2030-01-02T15:04:05Z")
	}
	if !t.After(now) {
		return "", nil, badParam("body", "expires_at", "must be in the future")
	}
	return name, &t, nil
}

// createKey issues a key to the caller's user; the response is the only
// time it is shown.
func (a *API) createKey(c *fiber.Ctx) error {
	name, expires, err := parseKeyCreate(c.Body(), time.Now())
	if err != nil {
		return err
	}
	key, digest, display, err := auth.NewKey()
	if err != nil {
		return fmt.Errorf("api: new key: %w", err)
	}
	p := principal(c)
	k, err := a.Keys.InsertAPIKey(c.UserContext(), persistence.NewAPIKey{OrganizationID: p.OrganizationID, UserID: p.UserID,
		Name: name, Digest: digest, Display: display, ExpiresAt: expires})
	if err != nil {
		return callFail(err, "API key")
	}
	return c.Status(fiber.StatusCreated).JSON(apiKeyCreated{APIKey: k, Key: key})
}

func (a *API) renameKey(scope keyScope) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "key_id")
		if err != nil {
			return err
		}
		w, err := apiKeyRenameBody.parse(c.Body())
		if err != nil {
			return err
		}
		name, err := keyName(w.Name)
		if err != nil {
			return err
		}
		k, err := a.Keys.RenameAPIKey(c.UserContext(), scope.of(c), id, name)
		if err != nil {
			return keyFail(err, id)
		}
		return c.JSON(k)
	}
}

// revokeKey deactivates a key for good: at once on this node, within the
// authenticator's cache TTL on every other.
func (a *API) revokeKey(scope keyScope) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "key_id")
		if err != nil {
			return err
		}
		_, digest, err := a.Keys.RevokeAPIKey(c.UserContext(), scope.of(c), id)
		if err != nil {
			return keyFail(err, id)
		}
		a.Authenticator.Forget(digest)
		return c.JSON(messageBody{Message: fmt.Sprintf("API key %d revoked", id)})
	}
}

// keyAdmins guards every key route: members cannot manage keys.
func keyAdmins(c *fiber.Ctx) error {
	if err := adminOnly(c, "manage API keys"); err != nil {
		return err
	}
	return c.Next()
}

// mountKeys registers Burki's /users/me/api-keys (the caller's keys) and
// /api-keys (every key of the organization).
func (a *API) mountKeys(v1 openapi.Router) {
	me := v1.Group("/users/me/api-keys", keyAdmins).With(keysTag)
	me.Get("/", docListMyKeys, a.listKeys(ownKeys))
	me.Post("/", docCreateKey, a.createKey)
	me.Put("/:key_id", docRenameMyKey, a.renameKey(ownKeys))
	me.Delete("/:key_id", docRevokeMyKey, a.revokeKey(ownKeys))

	org := v1.Group("/api-keys", keyAdmins).With(keysTag)
	org.Get("/", docListKeys, a.listKeys(organizationKeys))
	org.Put("/:key_id", docRenameKey, a.renameKey(organizationKeys))
	org.Delete("/:key_id", docRevokeKey, a.revokeKey(organizationKeys))
}
