package api

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
)

func (a *API) sendSnapshot(c *fiber.Ctx, status int, s *assistants.Snapshot) error {
	stats, err := a.stats.of(c.UserContext(), s.ID)
	if err != nil {
		return fail(fmt.Errorf("%w: %w", assistants.ErrUnavailable, err), "Assistant")
	}
	body, err := withStats(s.Body, stats[s.ID])
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(status).Send(body)
}

func (a *API) createAssistant(c *fiber.Ctx) error {
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	w, err := assistant.ParseWrite(body)
	if err != nil {
		return fail(err, "Assistant")
	}
	if err := a.checkTenantURLs(c.UserContext(), w); err != nil {
		return err
	}
	if err := a.checkKnowledgeBase(c.UserContext(), principal(c).OrganizationID, w); err != nil {
		return err
	}
	snap, err := a.Assistants.Create(c.UserContext(), principal(c), w)
	if err != nil {
		return fail(err, "Assistant")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(fiber.StatusCreated).Send(snap.Body) // a new assistant has had no calls
}

func (a *API) getAssistant(c *fiber.Ctx) error {
	id, err := pathID(c, "assistant_id")
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Get(c.UserContext(), principal(c).OrganizationID, id)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	return a.sendSnapshot(c, fiber.StatusOK, snap)
}

// updateAssistant serves PUT and PATCH alike: Burki applies only the fields
// sent in both, deep-merging nested objects.
func (a *API) updateAssistant(c *fiber.Ctx) error {
	id, err := a.ownedAssistant(c) // before the body is read
	if err != nil {
		return err
	}
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	w, err := assistant.ParseWrite(body)
	if err != nil {
		return fail(err, "Assistant")
	}
	if err := a.checkTenantURLs(c.UserContext(), w); err != nil {
		return err
	}
	if err := a.checkKnowledgeBase(c.UserContext(), principal(c).OrganizationID, w); err != nil {
		return err
	}
	snap, err := a.Assistants.Update(c.UserContext(), principal(c), id, w)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	return a.sendSnapshot(c, fiber.StatusOK, snap)
}

// statusWrite is a PATCH /assistants/{id}/status body; ?is_active= may
// be sent instead.
type statusWrite struct {
	IsActive bool `json:"is_active"`
}

var statusBody = newStrictBody[statusWrite]()

func (a *API) setAssistantStatus(c *fiber.Ctx) error {
	id, err := a.ownedAssistant(c) // before the body is read
	if err != nil {
		return err
	}
	active, err := queryBool(c, "is_active")
	if err != nil {
		return err
	}
	if active == nil {
		body, err := jsonBody(c)
		if err != nil {
			return err
		}
		if len(body) == 0 {
			return badParam("body", "is_active", "field required: true or false, in the body or the query")
		}
		w, err := statusBody.parse(body)
		if err != nil {
			return err
		}
		active = &w.IsActive
	}
	snap, err := a.Assistants.SetStatus(c.UserContext(), principal(c), id, *active)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	return a.sendSnapshot(c, fiber.StatusOK, snap)
}

func (a *API) deleteAssistant(c *fiber.Ctx) error {
	id, err := pathID(c, "assistant_id")
	if err != nil {
		return err
	}
	if _, err := a.Assistants.Delete(c.UserContext(), principal(c), id); err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	return c.JSON(messageBody{Message: fmt.Sprintf("Assistant %d deleted", id)})
}

// messageBody confirms a deletion.
type messageBody struct {
	Message string `json:"message"`
}

// listPage is Burki's paginated list shape.
type listPage[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	page
}

func (a *API) listAssistants(c *fiber.Ctx) error {
	pg, err := pagination(c, listLimits)
	if err != nil {
		return err
	}
	f, err := assistantFilter(c)
	if err != nil {
		return err
	}
	f.Skip, f.Limit = pg.Skip, pg.Limit
	rows, total, err := a.Store.ListAssistants(c.UserContext(), principal(c).OrganizationID, f)
	if err != nil {
		return fail(fmt.Errorf("%w: %w", assistants.ErrUnavailable, err), "Assistant")
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	stats, err := a.stats.of(c.UserContext(), ids...)
	if err != nil {
		return fail(fmt.Errorf("%w: %w", assistants.ErrUnavailable, err), "Assistant")
	}
	// Items are rendered as assistants.RenderRow renders them: assistant.View.
	out := listPage[json.RawMessage]{Items: make([]json.RawMessage, len(rows)), Total: total, page: pg}
	for i, row := range rows {
		body, err := assistants.RenderRow(row, stats[row.ID])
		if err != nil {
			return fail(err, "Assistant")
		}
		out.Items[i] = body
	}
	return c.JSON(out)
}
