package sttsocket

import (
	"context"

	"github.com/switchboard-voice/switchboard/voice"
)

// Dialer is a provider's part in opening a stream for one call: where and
// how to connect (Options but for Config) and the protocol to speak.
type Dialer func(opts voice.STTOptions, emit func(voice.STTEvent)) (Options, Protocol, error)

// Client opens one provider's streams. It is safe for concurrent use; one
// Client serves every call.
type Client struct {
	cfg   Config
	noKey error
	dial  Dialer
}

var _ voice.STT = (*Client)(nil)

// NewClient returns a client tuned by cfg (zero for the defaults) that
// opens streams with dial; noKey is the provider's error for a call without
// an API key.
func NewClient(cfg Config, noKey error, dial Dialer) *Client {
	return &Client{cfg: cfg.WithDefaults(), noKey: noKey, dial: dial}
}

// OpenSTT connects a recognition stream for one call, as Open does.
func (c *Client) OpenSTT(ctx context.Context, opts voice.STTOptions, emit func(voice.STTEvent)) (voice.STTStream, error) {
	if opts.Key == "" {
		return nil, c.noKey
	}
	o, p, err := c.dial(opts, emit)
	if err != nil {
		return nil, err
	}
	o.Config = c.cfg
	return Open(ctx, o, p, emit)
}
