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
	forbidden: func(detail string) error {
		return &server.Error{Status: fiber.StatusForbidden, Body: famulorMessage{Message: detail}}
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
	var vp *jsonobj.Problems
	switch {
	case errors.As(err, &vp):
		return famulorProblems(vp.List)
	case errors.As(err, &ve):
		problems := make([]jsonobj.Problem, len(ve.Errors))
		for i, e := range ve.Errors {
			problems[i] = jsonobj.Problem{Path: famulorField(e.Path()), Msg: e.Msg}
		}
		return famulorProblems(problems)
	case errors.Is(err, assistants.ErrNotFound), errors.Is(err, persistence.ErrNotFound):
		return famulorNotFound
	default:
		return famulorErrors.unavailable(err)
	}
}

// famulorFields name the Famulor field behind the configuration checks a
// Famulor write can still fail.
var famulorFields = map[string]string{
	"call_flow_settings.timezone": "timezone", "variables": "variables", "webhook_url": "webhook_url",
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
	g := app.Group("/api/user", a.guard(famulorErrors)...).
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
	g.Get("/me", docFamulorMe, a.famulorMe)
	g.Post("/make_call", docFamulorMakeCall, a.famulorMakeCall)
	g.Post("/assistants/enable-webhook", docFamulorEnableWebhook, a.famulorEnableWebhook)
	g.Post("/assistants/disable-webhook", docFamulorDisableWebhook, a.famulorDisableWebhook)
	for _, r := range famulorRefusedHooks {
		g.Post("/assistants/enable-"+r.hook, docFamulorRefusedToggle("enable-"+r.hook, r.why), a.famulorRefuseHook(r.why))
		g.Post("/assistants/disable-"+r.hook, docFamulorRefusedToggle("disable-"+r.hook, r.why), a.famulorNoHook)
	}
	a.mountFamulorKnowledge(g)
	g.Fallback(func(c *fiber.Ctx) error {
		return &server.Error{Status: fiber.StatusNotFound, Body: famulorMessage{Message: "The route " + strings.TrimPrefix(c.Path(), "/") + " could not be found."}}
	})
}

// famulorBody is the request's JSON body: another content type is a 415,
// a body over 1 MiB a 413, in Famulor's shape.
func famulorBody(c *fiber.Ctx) ([]byte, error) {
	if status, msg := jsonBodyProblem(c); status != 0 {
		return nil, &server.Error{Status: status, Body: famulorMessage{Message: msg}}
	}
	return c.Body(), nil
}

// famulorID reads the path's assistant id, decoded once; anything else is
// not found.
func famulorID(c *fiber.Ctx) (int64, error) { return famulorPathID(c, "id", famulorNotFound) }

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

// famulorRead renders a snapshot. The view shows no secret, so it reads
// the configuration calls use and cannot fail after a commit.
func famulorRead(s *assistants.Snapshot, number *int64) famulor.Assistant {
	return famulor.Read(famulor.Meta{ID: s.ID, UUID: s.UUID, UserID: s.UserID, PhoneNumberID: number,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}, s.Config)
}

func famulorSavedBody(message string, s *assistants.Snapshot) famulorSaved {
	v := famulorRead(s, nil)
	return famulorSaved{Message: message, Data: famulorSummary{ID: v.ID, Name: v.Name, Status: v.Status, Type: v.Type, Mode: v.Mode}}
}

// famulorWrite decodes and translates a body; a phone number or knowledge
// base it names must be the organization's.
func (a *API) famulorWrite(c *fiber.Ctx, op famulor.Op, current *assistant.Config) (famulor.Change, error) {
	body, err := famulorBody(c)
	if err != nil {
		return famulor.Change{}, err
	}
	doc, err := assistant.DecodeDocument(body)
	if err != nil {
		return famulor.Change{}, famulorProblems([]jsonobj.Problem{viewBodyProblem(err)})
	}
	// translated here to answer a bad body at once, and again in the
	// assistant's actor on the configuration it applies to
	ch, problems := famulor.Translate(doc, op, current)
	if len(problems) > 0 {
		return famulor.Change{}, famulorProblems(problems)
	}
	ch.Write = famulor.Serialised(doc, op)
	if ch.NumberID != nil {
		_, err := a.Store.PhoneNumber(c.UserContext(), principal(c).OrganizationID, *ch.NumberID)
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			return famulor.Change{}, famulorProblems([]jsonobj.Problem{{Path: "phone_number_id", Msg: "is not a phone number of your organization"}})
		case err != nil:
			return famulor.Change{}, famulorErrors.unavailable(err)
		}
	}
	if ch.KnowledgeBaseID != nil {
		_, err := a.Documents.GetKnowledgeBase(c.UserContext(), principal(c).OrganizationID, *ch.KnowledgeBaseID)
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			return famulor.Change{}, famulorProblems([]jsonobj.Problem{{Path: "knowledgebase_id", Msg: "is not a knowledge base of your organization"}})
		case err != nil:
			return famulor.Change{}, famulorErrors.unavailable(err)
		}
	}
	return ch, nil
}

// famulorAssignNumber makes the change's number the assistant's only one
// (Famulor's assistants answer one number), or unassigns its numbers.
func (a *API) famulorAssignNumber(ctx context.Context, orgID, assistantID int64, ch famulor.Change) error {
	if !ch.SetNumber {
		return nil
	}
	numbers, _, err := a.Store.ListPhoneNumbers(ctx, orgID, persistence.PhoneNumberFilter{AssistantID: &assistantID, Limit: 1000})
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	for _, n := range numbers {
		if ch.NumberID == nil || n.ID != *ch.NumberID {
			if _, err := a.Store.UpdatePhoneNumber(ctx, orgID, n.ID, persistence.PhoneNumberUpdate{SetAssistant: true}); err != nil {
				return famulorErrors.unavailable(err)
			}
		}
	}
	if ch.NumberID != nil {
		u := persistence.PhoneNumberUpdate{SetAssistant: true, AssistantID: &assistantID}
		if _, err := a.Store.UpdatePhoneNumber(ctx, orgID, *ch.NumberID, u); err != nil {
			return famulorErrors.unavailable(err)
		}
	}
	return nil
}

// famulorNumbers maps each assistant of the organization to the first
// number it answers.
func (a *API) famulorNumbers(ctx context.Context, orgID int64, assistantID *int64) (map[int64]int64, error) {
	const pageSize = 500
	out := map[int64]int64{}
	for skip := 0; ; skip += pageSize {
		numbers, total, err := a.Store.ListPhoneNumbers(ctx, orgID, persistence.PhoneNumberFilter{AssistantID: assistantID, Skip: skip, Limit: pageSize})
		if err != nil {
			return nil, err
		}
		for _, n := range numbers {
			if n.AssistantID == nil {
				continue
			}
			if _, seen := out[*n.AssistantID]; !seen {
				out[*n.AssistantID] = n.ID
			}
		}
		if len(numbers) < pageSize || skip+pageSize >= total {
			return out, nil
		}
	}
}

func numberOf(numbers map[int64]int64, assistantID int64) *int64 {
	if n, ok := numbers[assistantID]; ok {
		return &n
	}
	return nil
}

func (a *API) famulorCreate(c *fiber.Ctx) error {
	ch, err := a.famulorWrite(c, famulor.Create, nil)
	if err != nil {
		return err
	}
	p := principal(c)
	snap, err := a.Assistants.Create(c.UserContext(), p, ch.Write)
	if err != nil {
		return famulorFail(err)
	}
	if err := a.famulorAssignNumber(c.UserContext(), p.OrganizationID, snap.ID, ch); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(famulorSavedBody("Assistant created successfully", snap))
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
	ch, err := a.famulorWrite(c, famulor.Update, &current.Config)
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Update(c.UserContext(), p, id, ch.Write)
	if err != nil {
		return famulorFail(err)
	}
	if err := a.famulorAssignNumber(c.UserContext(), p.OrganizationID, id, ch); err != nil {
		return err
	}
	return c.JSON(famulorSavedBody("Assistant updated successfully", snap))
}

func (a *API) famulorGet(c *fiber.Ctx) error {
	id, err := famulorID(c)
	if err != nil {
		return err
	}
	org := principal(c).OrganizationID
	snap, err := a.Assistants.Get(c.UserContext(), org, id)
	if err != nil {
		return famulorFail(err)
	}
	numbers, err := a.famulorNumbers(c.UserContext(), org, &id)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(famulorOne{Data: famulorRead(snap, numberOf(numbers, id))})
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
	items, err := a.famulorItems(c.UserContext(), principal(c).OrganizationID, rows)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(famulorPageBody{Data: items, CurrentPage: page, PerPage: perPage, Total: total,
		LastPage: max(1, (total+perPage-1)/perPage)})
}

func (a *API) famulorItems(ctx context.Context, orgID int64, rows []persistence.AssistantRow) ([]famulor.Assistant, error) {
	numbers, err := a.famulorNumbers(ctx, orgID, nil)
	if err != nil {
		return nil, err
	}
	out := make([]famulor.Assistant, 0, len(rows))
	for _, row := range rows {
		cfg, err := storedConfig(row)
		if err != nil {
			return nil, err
		}
		out = append(out, famulor.Read(famulor.Meta{ID: row.ID, UUID: row.UUID, UserID: row.UserID,
			PhoneNumberID: numberOf(numbers, row.ID), CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}, cfg))
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
	items, err := a.famulorItems(c.UserContext(), principal(c).OrganizationID, rows)
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

// famulorAccount is GET /user/me: who the key belongs to. Switchboard
// bills nothing, so there is no balance.
type famulorAccount struct {
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	TotalBalance *float64 `json:"total_balance"`
}

func (a *API) famulorMe(c *fiber.Ctx) error {
	p := principal(c)
	org, err := a.Organizations.Get(c.UserContext(), p.OrganizationID)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	email, err := a.Store.UserEmail(c.UserContext(), p.UserID)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(famulorAccount{Name: org.Name, Email: email})
}

// famulorToggle is the body of the webhook toggles.
type famulorToggle struct {
	AssistantID int64   `json:"assistant_id"`
	WebhookURL  *string `json:"webhook_url"`
}

// famulorToggled answers a toggle as Famulor does.
type famulorToggled struct {
	Message string `json:"message"`
	Data    []any  `json:"data"`
}

// famulorToggleAssistant reads a toggle's body and finds its assistant.
func (a *API) famulorToggleAssistant(c *fiber.Ctx) (famulorToggle, error) {
	body, err := famulorBody(c)
	if err != nil {
		return famulorToggle{}, err
	}
	doc, err := assistant.DecodeDocument(body)
	if err != nil {
		return famulorToggle{}, famulorProblems([]jsonobj.Problem{viewBodyProblem(err)})
	}
	var errs jsonobj.Problems
	o := jsonobj.Read(doc, &errs)
	o.Unknown("assistant_id", "webhook_url")
	var t famulorToggle
	if id, ok := o.Int("assistant_id", 1, 1<<62); ok && id != nil {
		t.AssistantID = *id
	} else if !o.Has("assistant_id") || o.Null("assistant_id") {
		o.Fail("assistant_id", "is required")
	}
	t.WebhookURL, _ = o.String("webhook_url", 1, 2000)
	if len(errs.List) > 0 {
		return t, famulorProblems(errs.List)
	}
	if _, err := a.Assistants.Get(c.UserContext(), principal(c).OrganizationID, t.AssistantID); err != nil {
		return t, famulorFail(err)
	}
	return t, nil
}

// famulorRefusedHooks are the webhooks Switchboard does not send, and why.
var famulorRefusedHooks = []struct{ hook, why string }{
	{"inbound-webhook", "the inbound webhook (asked before a call is answered) is not sent"},
	{"conversation-ended-webhook", "chat conversations are not available"},
}

// famulorSetWebhook writes the post-call webhook's settings as the same
// fields of PUT /user/assistant would.
func (a *API) famulorSetWebhook(c *fiber.Ctx, t famulorToggle, fields map[string]any) error {
	p := principal(c)
	current, err := a.Assistants.Get(c.UserContext(), p.OrganizationID, t.AssistantID)
	if err != nil {
		return famulorFail(err)
	}
	doc := assistant.Document(fields)
	if _, problems := famulor.Translate(doc, famulor.Update, &current.Config); len(problems) > 0 {
		return famulorProblems(problems)
	}
	if _, err := a.Assistants.Update(c.UserContext(), p, t.AssistantID, famulor.Serialised(doc, famulor.Update)); err != nil {
		return famulorFail(err)
	}
	return nil
}

// famulorEnableWebhook turns the post-call webhook on, to webhook_url.
func (a *API) famulorEnableWebhook(c *fiber.Ctx) error {
	t, err := a.famulorToggleAssistant(c)
	if err != nil {
		return err
	}
	if t.WebhookURL == nil {
		return famulorProblems([]jsonobj.Problem{{Path: "webhook_url", Msg: "is required"}})
	}
	if err := a.famulorSetWebhook(c, t, map[string]any{"is_webhook_active": true, "webhook_url": *t.WebhookURL}); err != nil {
		return err
	}
	return c.JSON(famulorToggled{Message: "Webhook enabled successfully", Data: []any{}})
}

// famulorDisableWebhook turns the post-call webhook off; its URL is kept.
func (a *API) famulorDisableWebhook(c *fiber.Ctx) error {
	t, err := a.famulorToggleAssistant(c)
	if err != nil {
		return err
	}
	if err := a.famulorSetWebhook(c, t, map[string]any{"is_webhook_active": false}); err != nil {
		return err
	}
	return c.JSON(famulorToggled{Message: "Webhook disabled successfully", Data: []any{}})
}

// famulorRefuseHook refuses to enable a webhook Switchboard does not send.
func (a *API) famulorRefuseHook(why string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, err := a.famulorToggleAssistant(c); err != nil {
			return err
		}
		return famulorProblems([]jsonobj.Problem{{Path: "webhook_url", Msg: "is not supported: " + why}})
	}
}

// famulorNoHook disables a webhook that is never sent: nothing to do.
func (a *API) famulorNoHook(c *fiber.Ctx) error {
	if _, err := a.famulorToggleAssistant(c); err != nil {
		return err
	}
	return c.JSON(famulorToggled{Message: "Webhook disabled successfully", Data: []any{}})
}
