package api

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/server"
)

// fail turns a domain error into the HTTP error clients see.
func fail(err error, subject string) error {
	var ve *assistant.ValidationError
	switch {
	case errors.As(err, &ve):
		return validation("body", ve.Errors)
	case errors.Is(err, assistants.ErrNotFound), errors.Is(err, assistants.ErrHistoryNotFound):
		return server.Detail(fiber.StatusNotFound, subject+" not found in your organization")
	case errors.Is(err, assistants.ErrRejected):
		return &server.Error{Status: fiber.StatusUnprocessableEntity, Err: err, Body: validationBody{Detail: []assistant.FieldError{
			{Loc: []any{"body"}, Msg: "a value in this body cannot be stored", Type: "value_error"}}}}
	case errors.Is(err, assistants.ErrUnavailable):
		return &server.Error{Status: fiber.StatusServiceUnavailable, Body: server.Message{Detail: "Service temporarily unavailable, retry shortly"}, Err: err}
	default:
		return &server.Error{Status: fiber.StatusInternalServerError, Body: server.Message{Detail: "Internal Server Error"}, Err: err}
	}
}

// validationBody is a 422's body in FastAPI's shape:
// {"detail":[{"loc":[where,...],"msg","type"}]}.
type validationBody struct {
	Detail []assistant.FieldError `json:"detail"`
}

// validation is a 422 listing every problem, located from where (path,
// query or body).
func validation(where string, errs []assistant.FieldError) error {
	out := make([]assistant.FieldError, len(errs))
	for i, e := range errs {
		e.Loc = append([]any{where}, e.Loc...)
		out[i] = e
	}
	return &server.Error{Status: fiber.StatusUnprocessableEntity, Body: validationBody{Detail: out}}
}

// badParam is a 422 for one query or path parameter.
func badParam(where, name, format string, args ...any) error {
	return validation(where, []assistant.FieldError{{Loc: []any{name}, Msg: fmt.Sprintf(format, args...), Type: "value_error"}})
}
