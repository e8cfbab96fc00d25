package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/assistant/voicedock"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The VoiceDock view (seed 003): VoiceDock's assistant API under
// /voicedock/api/v1 (its SDK takes a baseUrl), assistants named by their
// UUID. It keeps no state: its writes are configuration patches through the
// assistant actors.

// voiceDockError is VoiceDock's flat error body.
type voiceDockError struct {
	Error   string   `json:"error"`
	Message string   `json:"message,omitempty"`
	Details []string `json:"details,omitempty"`
}

var voiceDockErrors = errorShape{
	unauthorized: func(detail string) error {
		return &server.Error{Status: fiber.StatusUnauthorized, Body: voiceDockError{Error: "Invalid API key", Message: detail}}
	},
	forbidden: func(detail string) error {
		return &server.Error{Status: fiber.StatusForbidden, Body: voiceDockError{Error: "Forbidden", Message: detail}}
	},
	unavailable: func(cause error) error {
		return &server.Error{Status: fiber.StatusServiceUnavailable,
			Body: voiceDockError{Error: "Service unavailable", Message: "Retry shortly."}, Err: cause}
	},
}

var voiceDockNotFound = &server.Error{Status: fiber.StatusNotFound, Body: voiceDockError{Error: "Assistant not found"}}

func voiceDockProblems(problems []jsonobj.Problem) error {
	details := make([]string, len(problems))
	for i, p := range problems {
		details[i] = p.Path + ": " + p.Msg
	}
	return &server.Error{Status: fiber.StatusBadRequest, Body: voiceDockError{Error: "Validation failed", Message: details[0], Details: details}}
}

// voiceDockFields name the VoiceDock field behind each configuration path
// a VoiceDock write can still fail, by prefix.
var voiceDockFields = []struct{ ours, theirs string }{
	{"llm_settings.welcome_message", "first_message"},
	{"llm_settings.system_prompt", "llm_config.messages"},
	{"llm_provider_config.model", "llm_config.model"},
	{"tools_settings.custom_tools", "llm_config.tools"},
	{"analysis_settings.structured_data.schema", "analysis_plan.structured_data_plan.schema"},
	{"analysis_settings.model", "llm_config.analysis_model"},
	{"variables", "business_name"},
	{"webhook_settings.secret", "webhook_secret"},
	{"webhook_settings.events", "webhook_events"},
	{"stt_settings", "stt_config"},
	{"tts_settings.pronunciation", "speech_config.pronunciation"},
	{"tts_settings", "tts_config"},
}

func voiceDockField(path string) string {
	path = dottedIndexes(path)
	for _, f := range voiceDockFields {
		if path == f.ours || strings.HasPrefix(path, f.ours+".") {
			return f.theirs + strings.TrimPrefix(path, f.ours)
		}
	}
	return path
}

func voiceDockFail(err error) error {
	var ve *assistant.ValidationError
	var vp *jsonobj.Problems
	switch {
	case errors.As(err, &vp):
		return voiceDockProblems(vp.List)
	case errors.As(err, &ve):
		problems := make([]jsonobj.Problem, len(ve.Errors))
		for i, e := range ve.Errors {
			problems[i] = jsonobj.Problem{Path: voiceDockField(e.Path()), Msg: e.Msg}
		}
		return voiceDockProblems(problems)
	case errors.Is(err, assistants.ErrNotFound), errors.Is(err, persistence.ErrNotFound):
		return voiceDockNotFound
	default:
		return voiceDockErrors.unavailable(err)
	}
}

func (a *API) mountVoiceDock(app openapi.Router) {
	g := app.Group("/voicedock/api/v1", a.guard(voiceDockErrors)...).
		With(openapi.Defaults{Tags: []string{"VoiceDock"}, Security: []*openapi.SecurityScheme{apiKey},
			Responses: map[int]openapi.Response{401: openapi.JSON("No API key, or an unknown one.", voiceDockErrorModel)}})
	for _, prefix := range []string{"/assistants", "/agents"} {
		r := g.Group(prefix)
		docs := voiceDockDocs(prefix == "/agents")
		r.Get("/", docs.list, a.voiceDockList)
		r.Post("/", docs.create, a.voiceDockCreate)
		r.Get("/:uuid", docs.get, a.voiceDockGet)
		r.Patch("/:uuid", docs.update, a.voiceDockUpdate)
		r.Delete("/:uuid", docs.delete, a.voiceDockDelete)
	}
	g.Fallback(func(c *fiber.Ctx) error {
		return &server.Error{Status: fiber.StatusNotFound, Body: voiceDockError{Error: "Not found", Message: c.Method() + " " + c.Path() + " is not a route"}}
	})
}

// voiceDockBody is the envelope of one assistant.
type voiceDockBody struct {
	Assistant voicedock.Assistant `json:"assistant"`
}

// voiceDockList is the envelope of the list.
type voiceDockListBody struct {
	Assistants []voicedock.Assistant `json:"assistants"`
}

// voiceDockRead renders a snapshot. The view shows no secret, so it reads
// the configuration calls use and cannot fail after a commit.
func voiceDockRead(s *assistants.Snapshot) voiceDockBody {
	return voiceDockBody{Assistant: voicedock.Read(voicedock.Meta{UUID: s.UUID, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}, s.Config)}
}

// voiceDockAssistant finds the path's assistant in the caller's organization.
func (a *API) voiceDockAssistant(c *fiber.Ctx) (*assistants.Snapshot, error) {
	org := principal(c).OrganizationID
	uuid, ok := decodedParam(c, "uuid")
	if !ok {
		return nil, voiceDockNotFound
	}
	id, err := a.Store.AssistantIDByUUID(c.UserContext(), org, uuid)
	if err != nil {
		return nil, voiceDockFail(err)
	}
	snap, err := a.Assistants.Get(c.UserContext(), org, id)
	if err != nil {
		return nil, voiceDockFail(err)
	}
	return snap, nil
}

// voiceDockBodyOf is the request's JSON body: another content type is a
// 415, a body over 1 MiB a 413, in VoiceDock's shape.
func voiceDockBodyOf(c *fiber.Ctx) ([]byte, error) {
	if status, msg := jsonBodyProblem(c); status != 0 {
		return nil, &server.Error{Status: status, Body: voiceDockError{Error: http.StatusText(status), Message: msg}}
	}
	return c.Body(), nil
}

func voiceDockWrite(body []byte, current *assistant.Config) (assistant.Write, error) {
	doc, err := assistant.DecodeDocument(body)
	if err != nil {
		return assistant.Write{}, voiceDockProblems([]jsonobj.Problem{viewBodyProblem(err)})
	}
	// translated here to answer a bad body at once, and again in the
	// assistant's actor on the configuration it applies to
	if _, problems := voicedock.Translate(doc, current); len(problems) > 0 {
		return assistant.Write{}, voiceDockProblems(problems)
	}
	return voicedock.Serialised(doc), nil
}

func (a *API) voiceDockCreate(c *fiber.Ctx) error {
	body, err := voiceDockBodyOf(c)
	if err != nil {
		return err
	}
	w, err := voiceDockWrite(body, nil)
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Create(c.UserContext(), principal(c), w)
	if err != nil {
		return voiceDockFail(err)
	}
	return c.Status(fiber.StatusCreated).JSON(voiceDockRead(snap))
}

func (a *API) voiceDockGet(c *fiber.Ctx) error {
	snap, err := a.voiceDockAssistant(c)
	if err != nil {
		return err
	}
	return c.JSON(voiceDockRead(snap))
}

func (a *API) voiceDockUpdate(c *fiber.Ctx) error {
	current, err := a.voiceDockAssistant(c)
	if err != nil {
		return err
	}
	body, err := voiceDockBodyOf(c)
	if err != nil {
		return err
	}
	w, err := voiceDockWrite(body, &current.Config)
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Update(c.UserContext(), principal(c), current.ID, w)
	if err != nil {
		return voiceDockFail(err)
	}
	return c.JSON(voiceDockRead(snap))
}

func (a *API) voiceDockDelete(c *fiber.Ctx) error {
	current, err := a.voiceDockAssistant(c)
	if err != nil {
		return err
	}
	if _, err := a.Assistants.Delete(c.UserContext(), principal(c), current.ID); err != nil {
		return voiceDockFail(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) voiceDockList(c *fiber.Ctx) error {
	rows, err := a.allAssistants(c.UserContext(), principal(c).OrganizationID)
	if err != nil {
		return voiceDockErrors.unavailable(err)
	}
	out := voiceDockListBody{Assistants: make([]voicedock.Assistant, 0, len(rows))}
	for _, row := range rows {
		cfg, err := storedConfig(row)
		if err != nil {
			return voiceDockErrors.unavailable(fmt.Errorf("voicedock list: %w", err))
		}
		out.Assistants = append(out.Assistants, voicedock.Read(voicedock.Meta{UUID: row.UUID, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}, cfg))
	}
	return c.JSON(out)
}
