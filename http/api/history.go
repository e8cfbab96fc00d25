package api

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/persistence"
)

// historyView is one settings-history entry as the API shows it.
type historyView struct {
	ID                int64            `json:"id"`
	AssistantID       int64            `json:"assistant_id"`
	Version           int              `json:"version"`
	SettingsSnapshot  assistant.Config `json:"settings_snapshot"` // secrets masked
	ChangedFields     []string         `json:"changed_fields"`
	ChangeType        string           `json:"change_type"`
	ChangeDescription *string          `json:"change_description"`
	ChangedBy         *int64           `json:"changed_by"`
	ChangedByKey      *int64           `json:"changed_by_key_id"` // the API key the change was made with
	CreatedAt         time.Time        `json:"created_at"`
}

// viewHistory masks the snapshot's secrets.
func viewHistory(h persistence.HistoryEntry) (historyView, error) {
	doc, err := assistant.DecodeDocument(h.Snapshot)
	if err != nil {
		return historyView{}, fmt.Errorf("history %d: %w", h.ID, err)
	}
	masked, err := assistant.Masked(doc)
	if err != nil {
		return historyView{}, err
	}
	return historyView{
		ID: h.ID, AssistantID: h.AssistantID, Version: h.Version, SettingsSnapshot: masked,
		ChangedFields: h.ChangedFields, ChangeType: h.ChangeType, ChangeDescription: h.ChangeDescription,
		ChangedBy: h.ChangedBy, ChangedByKey: h.ChangedByKey, CreatedAt: h.CreatedAt,
	}, nil
}

// ownedAssistant checks the assistant exists in the caller's organization.
func (a *API) ownedAssistant(c *fiber.Ctx) (int64, error) {
	id, err := pathID(c, "assistant_id")
	if err != nil {
		return 0, err
	}
	if _, err := a.Assistants.Get(c.UserContext(), principal(c).OrganizationID, id); err != nil {
		return 0, fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	return id, nil
}

func (a *API) listHistory(c *fiber.Ctx) error {
	id, err := a.ownedAssistant(c)
	if err != nil {
		return err
	}
	pg, err := pagination(c, historyLimits)
	if err != nil {
		return err
	}
	entries, total, err := a.Store.ListHistory(c.UserContext(), id, pg.Skip, pg.Limit)
	if err != nil {
		return fail(fmt.Errorf("%w: %w", assistants.ErrUnavailable, err), "History")
	}
	items := make([]historyView, len(entries))
	for i, h := range entries {
		if items[i], err = viewHistory(h); err != nil {
			return fail(err, "History")
		}
	}
	return c.JSON(listPage[historyView]{Items: items, Total: total, page: pg})
}

func (a *API) getHistory(c *fiber.Ctx) error {
	id, err := a.ownedAssistant(c)
	if err != nil {
		return err
	}
	vid, err := pathID(c, "version_id")
	if err != nil {
		return err
	}
	h, err := a.Store.GetHistory(c.UserContext(), id, vid)
	if errors.Is(err, persistence.ErrNotFound) {
		return fail(assistants.ErrHistoryNotFound, fmt.Sprintf("Settings history entry %d", vid))
	}
	if err != nil {
		return fail(fmt.Errorf("%w: %w", assistants.ErrUnavailable, err), "History")
	}
	v, err := viewHistory(h)
	if err != nil {
		return fail(err, "History")
	}
	return c.JSON(v)
}

func (a *API) rollback(c *fiber.Ctx) error {
	id, err := a.ownedAssistant(c) // before the body is read
	if err != nil {
		return err
	}
	vid, err := pathID(c, "version_id")
	if err != nil {
		return err
	}
	var desc *string
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	if len(body) > 0 {
		w, err := assistant.ParseWrite(body)
		if err != nil {
			return fail(err, "Assistant")
		}
		if len(w.Fields) > 0 {
			return badParam("body", "change_description", "a rollback takes only change_description")
		}
		desc = w.ChangeDescription
	}
	snap, err := a.Assistants.Rollback(c.UserContext(), principal(c), id, vid, desc)
	if errors.Is(err, assistants.ErrHistoryNotFound) {
		return fail(err, fmt.Sprintf("Settings history entry %d", vid))
	}
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	return a.sendSnapshot(c, fiber.StatusOK, snap)
}
