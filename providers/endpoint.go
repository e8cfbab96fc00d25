package providers

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-voice/switchboard/internal/netguard"
)

// ErrPrivateEndpoint refuses an assistant's base_url that reaches a
// loopback, private or link-local address: a tenant's setting must not
// reach the engine's own network (Config.AllowPrivateURLs lifts this, as
// for webhooks). The environment's endpoints are the operator's, and
// trusted.
var ErrPrivateEndpoint = errors.New("providers: base_url reaches a non-public address")

// endpoint is provider's base URL: the assistant's configured one, once
// checked, else the environment's ("" for the real service).
func (s *Set) endpoint(ctx context.Context, provider, configured string) (string, error) {
	if configured == "" {
		return s.env.bases[provider], nil
	}
	if !s.cfg.AllowPrivateURLs {
		if err := public(ctx, configured); err != nil {
			return "", err
		}
	}
	return configured, nil
}

// public checks that every address raw's host resolves to is public.
func public(ctx context.Context, raw string) error {
	err := netguard.CheckURL(ctx, raw)
	if errors.Is(err, netguard.ErrBlocked) {
		return fmt.Errorf("%w: %w", ErrPrivateEndpoint, err)
	}
	if err != nil {
		return fmt.Errorf("providers: base_url: %w", err)
	}
	return nil
}
