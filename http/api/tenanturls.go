package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/netguard"
)

// tenantURLs are the assistant settings whose URLs the engine requests on
// the tenant's behalf, where a non-public address is refused at every
// request unless the engine allows private URLs: a field name, or an
// array's name followed by each element's field ("custom_tools", "url").
var tenantURLs = [][]string{
	{"webhook_url"},
	{"tools_settings", "custom_tools", "url"},
	{"tts_settings", "background_sound", "sound_url"},
	{"llm_provider_config", "base_url"},
	{"llm_fallback_providers", "fallbacks", "base_url"},
}

// privateURLMsg says why a URL is refused and how to allow it.
const privateURLMsg = "%s: this engine refuses to send requests to loopback, private or link-local addresses " +
	"on a tenant's behalf, so every request to this URL would fail. Use a public URL, or start the engine with " +
	"--allow-private-urls (SWITCHBOARD_ALLOW_PRIVATE_URLS=true) to allow private addresses"

// checkTenantURLs refuses, with a 422 naming each field, a write that sets
// a URL the engine would refuse to reach, instead of accepting it and
// failing at every delivery. A host that does not resolve now is let
// through: it may by the time it is used.
func (a *API) checkTenantURLs(ctx context.Context, w assistant.Write) error {
	if a.AllowPrivateURLs {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var errs []assistant.FieldError
	for _, path := range tenantURLs {
		for _, f := range urlsAt(w.Fields, path, nil) {
			if err := netguard.CheckURL(ctx, f.url); errors.Is(err, netguard.ErrBlocked) {
				errs = append(errs, assistant.FieldError{Loc: f.loc, Msg: fmt.Sprintf(privateURLMsg, err), Type: "value_error"})
			}
		}
	}
	if len(errs) > 0 {
		return validation("body", errs)
	}
	return nil
}

// locatedURL is a URL found in a write, with its location.
type locatedURL struct {
	loc []any
	url string
}

// urlsAt finds the non-empty strings at path in doc, descending into
// objects and arrays of objects.
func urlsAt(doc map[string]any, path []string, loc []any) []locatedURL {
	v, ok := doc[path[0]]
	if !ok {
		return nil
	}
	loc = append(loc[:len(loc):len(loc)], path[0])
	if len(path) == 1 {
		if s, ok := v.(string); ok && s != "" {
			return []locatedURL{{loc: loc, url: s}}
		}
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		return urlsAt(v, path[1:], loc)
	case []any:
		var out []locatedURL
		for i, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, urlsAt(m, path[1:], append(loc[:len(loc):len(loc)], i))...)
			}
		}
		return out
	}
	return nil
}
