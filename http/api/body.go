package api

import (
	"errors"
	"fmt"
	"mime"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// strictBody is a request body of type T checked as sent: T's json and
// check tags are both its validation and its documented schema.
type strictBody[T any] struct {
	schema *typeddoc.Schema
}

func newStrictBody[T any]() strictBody[T] {
	return strictBody[T]{schema: typeddoc.New(func() T { var zero T; return zero }, typeddoc.Options{})}
}

// maxJSONBody bounds a JSON body (the server's own limit is set for sound
// uploads).
const maxJSONBody = 1 << 20

// jsonBody is the request's body once its content type says JSON, or says
// nothing (FastAPI reads such a body as JSON too): anything else is a 415,
// and a body over maxJSONBody a 413.
func jsonBody(c *fiber.Ctx) ([]byte, error) {
	if status, msg := jsonBodyProblem(c); status != 0 {
		return nil, server.Detail(status, msg)
	}
	return c.Body(), nil
}

// jsonBodyProblem is why the request's body is not read as JSON (a 415 or
// a 413, with its message), or 0; each API view answers it in its shape.
func jsonBodyProblem(c *fiber.Ctx) (status int, msg string) {
	body := c.Body()
	if ct := c.Get(fiber.HeaderContentType); len(body) > 0 && ct != "" && !isJSON(ct) {
		return fiber.StatusUnsupportedMediaType, "Content-Type must be application/json"
	}
	if len(body) > maxJSONBody {
		return fiber.StatusRequestEntityTooLarge, fmt.Sprintf("a JSON body is at most %d bytes", maxJSONBody)
	}
	return 0, ""
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == fiber.MIMEApplicationJSON || strings.HasSuffix(mt, "+json"))
}

// decodeBody reads a JSON object body; anything else is a 422, naming the
// field when a string in it cannot be stored as text.
func decodeBody(body []byte) (typeddoc.Document, error) {
	doc, err := typeddoc.DecodeDocument(body)
	var te *typeddoc.TextError
	switch {
	case errors.As(err, &te):
		return nil, validation("body", []assistant.FieldError{{Loc: te.Loc, Msg: te.Msg, Type: "value_error"}})
	case err != nil:
		return nil, validation("body", []assistant.FieldError{{Msg: err.Error(), Type: "json_invalid"}})
	}
	return doc, nil
}

// parse decodes and checks a body.
func (b strictBody[T]) parse(body []byte) (T, error) {
	doc, err := decodeBody(body)
	if err != nil {
		var zero T
		return zero, err
	}
	return b.check(doc)
}

// check validates a decoded body; problems are a 422 listing them all.
func (b strictBody[T]) check(doc typeddoc.Document) (T, error) {
	var v T
	if errs := b.schema.Validate(doc); len(errs) > 0 {
		return v, validation("body", errs)
	}
	if err := typeddoc.Decode(doc, &v); err != nil {
		return v, fmt.Errorf("api: decode a validated body: %w", err)
	}
	return v, nil
}

// model is the body's documented schema.
func (b strictBody[T]) model(name, description string) *openapi.Model {
	return &openapi.Model{Name: name, Description: description,
		Schema: typeddoc.JSONSchema(reflect.TypeFor[T](), typeddoc.Strict, nil)}
}

// viewBodyProblem is a vendor view's problem for a body that did not
// decode: at the field holding text that cannot be stored, else the body.
func viewBodyProblem(err error) jsonobj.Problem {
	var te *typeddoc.TextError
	if !errors.As(err, &te) || len(te.Loc) == 0 {
		return jsonobj.Problem{Path: "body", Msg: "must be a JSON object: " + err.Error()}
	}
	parts := make([]string, len(te.Loc))
	for i, p := range te.Loc {
		parts[i] = fmt.Sprint(p)
	}
	return jsonobj.Problem{Path: strings.Join(parts, "."), Msg: te.Msg}
}
