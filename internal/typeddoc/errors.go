package typeddoc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalidJSON is returned for a body that is not one JSON object.
var ErrInvalidJSON = errors.New("invalid JSON")

// FieldError is one problem with a request body, located like FastAPI's
// validation errors so Burki clients parse it the same way.
type FieldError struct {
	Loc  []any  `json:"loc"` // field names and array indexes from the body root
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// Path renders Loc as llm_settings.temperature or bypass_numbers[2].
func (e FieldError) Path() string {
	var b strings.Builder
	for _, p := range e.Loc {
		switch k := p.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(k) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, k)
		}
	}
	return b.String()
}

// ValidationError lists every problem found in one request.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		parts[i] = fe.Path() + ": " + fe.Msg
	}
	return "invalid configuration: " + strings.Join(parts, "; ")
}

// Invalid builds a ValidationError for a single field.
func Invalid(kind, msg string, loc ...any) *ValidationError {
	return &ValidationError{Errors: []FieldError{{Loc: loc, Msg: msg, Type: kind}}}
}
