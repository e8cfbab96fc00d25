package fault

import (
	"context"
	"net/http"
)

type ctxKey struct{}

func withFault(ctx context.Context, f Fault) context.Context {
	return context.WithValue(ctx, ctxKey{}, f)
}

// FromRequest returns the fault the middleware chose for r.
func FromRequest(r *http.Request) Fault {
	f, _ := r.Context().Value(ctxKey{}).(Fault)
	return f
}
