package api

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/persistence"
)

// AuditLog keeps the administrative actions made through the API.
type AuditLog interface {
	RecordAudit(ctx context.Context, e persistence.AuditEntry) error
	ListAudit(ctx context.Context, orgID int64, f persistence.AuditFilter) ([]persistence.AuditEntry, int, error)
}

// readOnly are the methods that change nothing, and are not audited.
var readOnly = []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions}

// audit records every change the API makes: the operation, who made it
// and with which key. It runs after the handler, so only a change that
// succeeded is recorded; failing to record one is logged, since the
// change itself has been made.
func (a *API) audit(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	status := c.Response().StatusCode()
	if slices.Contains(readOnly, c.Method()) || status < 200 || status > 299 {
		return nil
	}
	p := principal(c)
	e := persistence.AuditEntry{OrganizationID: p.OrganizationID, UserID: &p.UserID, APIKeyID: &p.KeyID,
		Action: c.Route().Name, Method: c.Method(), Path: strings.Clone(c.Path()), Status: status}
	if err := a.Audit.RecordAudit(context.WithoutCancel(c.UserContext()), e); err != nil {
		a.Log.Error("audit entry not recorded", "organization_id", p.OrganizationID, "action", e.Action, "path", e.Path, "err", err)
	}
	return nil
}

// auditAdmins guards the audit log: it names every key's actions.
func auditAdmins(c *fiber.Ctx) error {
	if err := adminOnly(c, "read the audit log"); err != nil {
		return err
	}
	return c.Next()
}

func (a *API) listAudit(c *fiber.Ctx) error {
	pg, err := pagination(c, listLimits)
	if err != nil {
		return err
	}
	f := persistence.AuditFilter{Action: strings.Clone(c.Query("action")), Skip: pg.Skip, Limit: pg.Limit}
	if raw := c.Query("api_key_id"); raw != "" {
		if f.APIKeyID, err = strconv.ParseInt(raw, 10, 64); err != nil || f.APIKeyID <= 0 {
			return badParam("query", "api_key_id", "must be a positive integer")
		}
	}
	if f.Action != "" && !slices.Contains(auditedActions(c.App()), f.Action) {
		return badParam("query", "action", "must be one of GET /api/v1/audit/event-types")
	}
	if f.From, err = queryTime(c, "date_from", false); err != nil {
		return err
	}
	if f.To, err = queryTime(c, "date_to", true); err != nil {
		return err
	}
	entries, total, err := a.Audit.ListAudit(c.UserContext(), principal(c).OrganizationID, f)
	if err != nil {
		return callFail(err, "Audit log")
	}
	return c.JSON(listPage[persistence.AuditEntry]{Items: entries, Total: total, page: pg})
}

// eventTypes lists the actions the audit log records.
type eventTypes struct {
	EventTypes []string `json:"event_types"`
}

func (a *API) auditEventTypes(c *fiber.Ctx) error {
	return c.JSON(eventTypes{EventTypes: auditedActions(c.App())})
}

// auditedActions are the operations under /api/ that change something.
func auditedActions(app *fiber.App) []string {
	var out []string
	for _, r := range app.GetRoutes(true) {
		if r.Name != "" && strings.HasPrefix(r.Path, "/api/") && !slices.Contains(readOnly, r.Method) && !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	slices.Sort(out)
	return out
}

// mountAudit registers Burki's audit routes.
func (a *API) mountAudit(v1 openapi.Router) {
	au := v1.Group("/audit", auditAdmins).With(auditTag)
	au.Get("/logs", docListAudit, a.listAudit)
	au.Get("/event-types", docAuditEventTypes, a.auditEventTypes)
}
