package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/assistant/famulor"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The Famulor view (seed 002): Famulor's assistant API under /api/user, so
// that its clients work by changing their base URL. It keeps no state: its
// writes are configuration patches through the assistant actors.

// famulorMessage is Laravel's error and confirmation body.
type famulorMessage struct {
	Message string `json:"message"`
}

// famulorInvalid is Laravel's 422: every problem by field.
type famulorInvalid struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors"`
}

var famulorErrors = errorShape{
	unauthorized: func(string) error {
		return &server.Error{Status: fiber.StatusUnauthorized, Body: famulorMessage{Message: "Unauthenticated."}}
	},
	unavailable: func(cause error) error {
		return &server.Error{Status: fiber.StatusServiceUnavailable, Body: famulorMessage{Message: "Service temporarily unavailable, retry shortly."}, Err: cause}
	},
}

// famulorNotFound is the 404 of an assistant that is not the caller's.
var famulorNotFound = &server.Error{Status: fiber.StatusNotFound,
	Body: famulorMessage{Message: "Assistant not found or does not belong to the authenticated user"}}

func famulorProblems(problems []jsonobj.Problem) error {
	body := famulorInvalid{Message: "The given data was invalid.", Errors: map[string][]string{}}
	for _, p := range problems {
		body.Errors[p.Path] = append(body.Errors[p.Path], fmt.Sprintf("The %s field %s.", p.Path, p.Msg))
	}
	return &server.Error{Status: fiber.StatusUnprocessableEntity, Body: body}
}

// famulorFail turns a domain error into Famulor's shape; a configuration
// problem is reported at the Famulor field it came from.
func famulorFail(err error) error {
	var ve *assistant.ValidationError
	switch {
	case errors.As(err, &ve):
		problems := make([]jsonobj.Problem, len(ve.Errors))
		for i, e := range ve.Errors {
			problems[i] = jsonobj.Problem{Path: famulorField(e.Path()), Msg: e.Msg}
		}
		return famulorProblems(problems)
	case errors.Is(err, assistants.ErrNotFound):
		return famulorNotFound
	default:
		return famulorErrors.unavailable(err)
	}
}

// famulorFields name the Famulor field behind the configuration checks a
// Famulor write can still fail.
var famulorFields = map[string]string{
	"call_flow_settings.timezone": "timezone", "variables": "variables",
	"analysis_settings.structured_data.schema": "post_call_schema", "tools_settings": "tools",
}

func famulorField(path string) string {
	path = dottedIndexes(path)
	for prefix, field := range famulorFields {
		if path == prefix || strings.HasPrefix(path, prefix+".") {
			return field
		}
	}
	return path
}

// dottedIndexes writes a field path's array indexes as Laravel and
// VoiceDock do: custom_tools[0].name → custom_tools.0.name.
func dottedIndexes(path string) string {
	return strings.NewReplacer("[", ".", "]", "").Replace(path)
}

func (a *API) mountFamulor(app openapi.Router) {
	g := app.Group("/api/user", func(c *fiber.Ctx) error { return a.authenticateAs(c, famulorErrors) }).
		With(openapi.Defaults{Tags: []string{"Famulor"}, Security: []*openapi.SecurityScheme{apiKey},
			Responses: map[int]openapi.Response{401: openapi.JSON("Unauthenticated.", famulorMessageModel)}})
	g.Post("/assistant", docFamulorCreate, a.famulorCreate)
	g.Put("/assistant/:id", docFamulorUpdate, a.famulorUpdate)
	g.Get("/assistant/:id", docFamulorGet, a.famulorGet)
	g.Delete("/assistant/:id", docFamulorDelete, a.famulorDelete)
	g.Get("/assistants/get", docFamulorPage, a.famulorPage)
	g.Get("/assistants", docFamulorAll, a.famulorAll)
	g.Get("/assistants/outbound", docFamulorOutbound, a.famulorOutbound)
	g.Get("/assistants/languages", docFamulorLanguages, func(c *fiber.Ctx) error { return c.JSON(famulor.Languages) })
	g.Get("/assistants/voices", docFamulorVoices, famulorVoices)
	g.Get("/assistants/models", docFamulorModels, famulorModels)
	g.Get("/assistants/synthesizer-providers", docFamulorSynthesizers, func(c *fiber.Ctx) error { return c.JSON(famulor.Synthesizers) })
	g.Get("/assistants/transcriber-providers", docFamulorTranscribers, func(c *fiber.Ctx) error { return c.JSON(famulor.Transcribers) })
	g.Fallback(func(c *fiber.Ctx) error {
		return &server.Error{Status: fiber.StatusNotFound, Body: famulorMessage{Message: "The route " + strings.TrimPrefix(c.Path(), "/") + " could not be found."}}
	})
}

// famulorID reads the path's assistant id; anything else is not found.
func famulorID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, famulorNotFound
	}
	return id, nil
}

// famulorSummary is what create and update answer with.
type famulorSummary struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Type   string `json:"type"`
	Mode   string `json:"mode"`
}

type famulorSaved struct {
	Message string         `json:"message"`
	Data    famulorSummary `json:"data"`
}

func famulorRead(s *assistants.Snapshot) (famulor.Assistant, error) {
	c, err := assistant.Masked(s.Doc)
	if err != nil {
		return famulor.Assistant{}, err
	}
	return famulor.Read(famulor.Meta{ID: s.ID, UUID: s.UUID, UserID: s.UserID, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}, c), nil
}

func famulorSavedBody(message string, s *assistants.Snapshot) (famulorSaved, error) {
	v, err := famulorRead(s)
	if err != nil {
		return famulorSaved{}, err
	}
	return famulorSaved{Message: message, Data: famulorSummary{ID: v.ID, Name: v.Name, Status: v.Status, Type: v.Type, Mode: v.Mode}}, nil
}

// famulorWrite decodes and translates a body.
func famulorWrite(body []byte, op famulor.Op, current *assistant.Config) (assistant.Write, error) {
	doc, err := assistant.DecodeDocument(body)
	if err != nil {
		return assistant.Write{}, famulorProblems([]jsonobj.Problem{{Path: "body", Msg: "must be a JSON object: " + err.Error()}})
	}
	w, problems := famulor.Translate(doc, op, current)
	if len(problems) > 0 {
		return assistant.Write{}, famulorProblems(problems)
	}
	return w, nil
}

func (a *API) famulorCreate(c *fiber.Ctx) error {
	w, err := famulorWrite(c.Body(), famulor.Create, nil)
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Create(c.UserContext(), principal(c), w)
	if err != nil {
		return famulorFail(err)
	}
	body, err := famulorSavedBody("Assistant created successfully", snap)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.Status(fiber.StatusCreated).JSON(body)
}

func (a *API) famulorUpdate(c *fiber.Ctx) error {
	id, err := famulorID(c)
	if err != nil {
		return err
	}
	p := principal(c)
	current, err := a.Assistants.Get(c.UserContext(), p.OrganizationID, id)
	if err != nil {
		return famulorFail(err)
	}
	w, err := famulorWrite(c.Body(), famulor.Update, &current.Config)
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Update(c.UserContext(), p, id, w)
	if err != nil {
		return famulorFail(err)
	}
	body, err := famulorSavedBody("Assistant updated successfully", snap)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(body)
}

func (a *API) famulorGet(c *fiber.Ctx) error {
	id, err := famulorID(c)
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Get(c.UserContext(), principal(c).OrganizationID, id)
	if err != nil {
		return famulorFail(err)
	}
	v, err := famulorRead(snap)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(famulorOne{Data: v})
}

func (a *API) famulorDelete(c *fiber.Ctx) error {
	id, err := famulorID(c)
	if err != nil {
		return err
	}
	if _, err := a.Assistants.Delete(c.UserContext(), principal(c), id); err != nil {
		return famulorFail(err)
	}
	return c.JSON(famulorMessage{Message: "Assistant deleted successfully"})
}

// famulorOne is one assistant, in Laravel's resource envelope.
type famulorOne struct {
	Data famulor.Assistant `json:"data"`
}

// famulorPageBody is Laravel's paginator.
type famulorPageBody struct {
	Data        []famulor.Assistant `json:"data"`
	CurrentPage int                 `json:"current_page"`
	PerPage     int                 `json:"per_page"`
	Total       int                 `json:"total"`
	LastPage    int                 `json:"last_page"`
}

func famulorQueryInt(c *fiber.Ctx, name string, def, min, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, famulorProblems([]jsonobj.Problem{{Path: name, Msg: fmt.Sprintf("must be an integer between %d and %d", min, max)}})
	}
	return n, nil
}

func (a *API) famulorPage(c *fiber.Ctx) error {
	perPage, err := famulorQueryInt(c, "per_page", 10, 1, 100)
	if err != nil {
		return err
	}
	page, err := famulorQueryInt(c, "page", 1, 1, 1<<20)
	if err != nil {
		return err
	}
	rows, total, err := a.Store.ListAssistants(c.UserContext(), principal(c).OrganizationID,
		persistence.AssistantFilter{Skip: (page - 1) * perPage, Limit: perPage})
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	items, err := famulorItems(rows)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(famulorPageBody{Data: items, CurrentPage: page, PerPage: perPage, Total: total,
		LastPage: max(1, (total+perPage-1)/perPage)})
}

func famulorItems(rows []persistence.AssistantRow) ([]famulor.Assistant, error) {
	out := make([]famulor.Assistant, 0, len(rows))
	for _, row := range rows {
		cfg, err := storedConfig(row)
		if err != nil {
			return nil, err
		}
		out = append(out, famulor.Read(famulor.Meta{ID: row.ID, UUID: row.UUID, UserID: row.UserID,
			CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}, cfg))
	}
	return out, nil
}

// storedConfig is a stored assistant's configuration, secrets masked.
func storedConfig(row persistence.AssistantRow) (assistant.Config, error) {
	doc, err := assistant.DecodeDocument(row.Config)
	if err != nil {
		return assistant.Config{}, fmt.Errorf("stored config of %d: %w", row.ID, err)
	}
	return assistant.Masked(doc)
}

// allAssistants lists every assistant of the organization, newest first.
func (a *API) allAssistants(ctx context.Context, orgID int64) ([]persistence.AssistantRow, error) {
	const pageSize = 200
	var out []persistence.AssistantRow
	for {
		rows, total, err := a.Store.ListAssistants(ctx, orgID, persistence.AssistantFilter{Skip: len(out), Limit: pageSize})
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(rows) < pageSize || len(out) >= total {
			return out, nil
		}
	}
}

func (a *API) famulorList(c *fiber.Ctx, keep func(famulor.Assistant) bool) error {
	rows, err := a.allAssistants(c.UserContext(), principal(c).OrganizationID)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	items, err := famulorItems(rows)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	out := make([]famulor.Assistant, 0, len(items))
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return c.JSON(out)
}

func (a *API) famulorAll(c *fiber.Ctx) error {
	return a.famulorList(c, func(famulor.Assistant) bool { return true })
}

func (a *API) famulorOutbound(c *fiber.Ctx) error {
	return a.famulorList(c, func(v famulor.Assistant) bool { return v.Type == "outbound" })
}

// famulorVoices lists the pipeline's voices, of a language if asked; the
// other modes have none.
func famulorVoices(c *fiber.Ctx) error {
	out := []famulor.Voice{}
	if mode := c.Query("mode", "pipeline"); mode != "pipeline" {
		return c.JSON(out)
	}
	lang, err := famulorQueryInt(c, "language_id", 0, 1, 1<<31)
	if err != nil {
		return err
	}
	for _, v := range famulor.Voices {
		if lang == 0 || v.LanguageID == nil || *v.LanguageID == int64(lang) {
			out = append(out, v)
		}
	}
	return c.JSON(out)
}

// famulorModels lists the pipeline's models; multimodal and dualplex have none.
func famulorModels(c *fiber.Ctx) error {
	if t := c.Query("type", "llm"); t != "llm" {
		return c.JSON([]famulor.Model{})
	}
	return c.JSON(famulor.Models)
}
