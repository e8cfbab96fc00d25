package providers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/providers/aura"
	"github.com/switchboard-voice/switchboard/providers/cartesia"
	"github.com/switchboard-voice/switchboard/providers/deepgram"
	"github.com/switchboard-voice/switchboard/providers/elevenlabs"
	"github.com/switchboard-voice/switchboard/providers/openaitts"
	"github.com/switchboard-voice/switchboard/providers/scribe"
	"github.com/switchboard-voice/switchboard/providers/soniox"
	"github.com/switchboard-voice/switchboard/providers/speechmatics"
	"github.com/switchboard-voice/switchboard/voice"
)

// Organizations gives an organization's settings, secrets opened.
type Organizations interface {
	Get(ctx context.Context, id int64) (*organization.Org, error)
}

// Config configures a Set.
type Config struct {
	Organizations Organizations       // nil: no organization keys
	Getenv        func(string) string // the environment, e.g. os.Getenv; nil: none
	Log           *slog.Logger
	Clock         clock.Clock // nil: the real clock
	// FirstTokenTimeout is how long a model with fallbacks may take to its
	// first token before the next is tried; 0: llmfallback's default.
	FirstTokenTimeout time.Duration
	// AllowPrivateURLs lets assistants' base_url settings reach loopback
	// and private addresses (ErrPrivateEndpoint otherwise).
	AllowPrivateURLs bool
}

// Set opens the provider streams of calls. One Set serves every call of
// an engine; it is safe for concurrent use.
type Set struct {
	cfg   Config
	env   environment
	slots slots
	stt   map[string]voice.STT // by stt_settings.provider
	tts   map[string]voice.TTS // by tts_settings.provider

	// capacity counts limited keys' streams cluster-wide; nil alone.
	capacity Capacity

	embedOnce sync.Once
	embedHTTP *http.Client
}

// ErrNoKey means no key was found for a provider whose real service needs one.
var ErrNoKey = errors.New("providers: no API key")

// ErrUnknownProvider names a provider the engine cannot reach.
var ErrUnknownProvider = errors.New("providers: unknown provider")

// New returns a Set.
func New(cfg Config) *Set {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	return &Set{
		cfg:   cfg,
		env:   readEnvironment(cfg.Getenv),
		slots: slots{used: map[slotKey]int{}},
		stt: map[string]voice.STT{
			"deepgram":     deepgram.New(deepgram.Config{}),
			"soniox":       soniox.New(soniox.Config{}),
			"speechmatics": speechmatics.New(speechmatics.Config{}),
			"elevenlabs":   scribe.New(scribe.Config{}),
		},
		tts: map[string]voice.TTS{
			"elevenlabs": &elevenlabs.TTS{},
			"deepgram":   &aura.TTS{},
			"cartesia":   &cartesia.TTS{},
			"openai":     &openaitts.TTS{},
		},
	}
}

// OpenSTT implements call.Providers.
func (s *Set) OpenSTT(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, f voice.Format, emit func(voice.STTEvent)) (voice.STTStream, error) {
	st := cfg.STTSettings
	provider := st.Provider
	stt, ok := s.stt[provider]
	if !ok {
		return nil, fmt.Errorf("stt: %w: %q", ErrUnknownProvider, provider)
	}
	base, err := s.endpoint(ctx, provider, stringSetting(st.ProviderConfig, "base_url"))
	if err != nil {
		return nil, fmt.Errorf("stt: %w", err)
	}
	own := []string{stringSetting(st.ProviderConfig, "api_key"), cfg.APIKeys[keyName(provider)]}
	key, h, err := s.claim(ctx, c, "stt", provider, base, own, cfg.STTLimit)
	if err != nil {
		return nil, err
	}
	stream, err := stt.OpenSTT(ctx, voice.STTOptions{Settings: st, Format: f, Key: key, BaseURL: base}, emit)
	if err != nil {
		h.done()
		return nil, fmt.Errorf("stt: %w", err)
	}
	return &heldStream{STTStream: stream, held: h}, nil
}

// OpenTTS implements call.Providers.
func (s *Set) OpenTTS(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, f voice.Format) (voice.TTSSession, error) {
	ts := cfg.TTSSettings
	tts, ok := s.tts[ts.Provider]
	if !ok {
		return nil, fmt.Errorf("tts: %w: %q", ErrUnknownProvider, ts.Provider)
	}
	base, err := s.endpoint(ctx, ts.Provider, stringSetting(ts.ProviderConfig, "base_url"))
	if err != nil {
		return nil, fmt.Errorf("tts: %w", err)
	}
	own := []string{stringSetting(ts.ProviderConfig, "api_key"), cfg.APIKeys[keyName(ts.Provider)]}
	key, h, err := s.claim(ctx, c, "tts", ts.Provider, base, own, cfg.TTSLimit)
	if err != nil {
		return nil, err
	}
	sess, err := tts.OpenTTS(ctx, voice.TTSOptions{Settings: ts, Format: f, Key: key, BaseURL: base})
	if err != nil {
		h.done()
		return nil, fmt.Errorf("tts: %w", err)
	}
	return &heldSession{TTSSession: sess, held: h}, nil
}

// claim finds a key with a free slot and holds the slot until ctx ends or
// the stream is closed. A service reached at its own endpoint needs a
// key; one at a configured endpoint (a self-hosted server, a fake) may
// do without.
func (s *Set) claim(ctx context.Context, c *voice.CallInfo, kind, provider, base string, own []string, ownLimit *int) (string, held, error) {
	org := s.organization(ctx, c)
	cands := s.env.candidates(provider, own, ownLimit, org)
	if len(cands) == 0 {
		if base == "" {
			return "", held{}, fmt.Errorf("%s: %w for %s: set api_keys.%s, the organization's provider_keys.%s or %s",
				kind, ErrNoKey, provider, keyName(provider), keyName(provider), envKeys[provider])
		}
		cands = []candidate{{source: fromEnvironment}}
	}
	for i, cand := range cands {
		release, ok, err := s.take(slotKey{kind: kind, provider: provider, key: cand.key}, cand.limit)
		if err != nil {
			s.cfg.Log.Warn("provider key's streams not counted: not using it", "call_id", c.ID, "service", kind,
				"provider", provider, "key_source", cand.source, "err", err)
		}
		if !ok {
			continue
		}
		if i > 0 {
			s.cfg.Log.Warn("provider key at its limit: using the next key", "call_id", c.ID, "service", kind,
				"provider", provider, "full", describe(cands[:i]), "using", cand.source)
		}
		return cand.key, hold(ctx, release), nil
	}
	s.cfg.Log.Warn("every provider key at its limit", "call_id", c.ID, "service", kind, "provider", provider,
		"full", describe(cands))
	return "", held{}, fmt.Errorf("%s: %s: every key at its limit: %w", kind, provider, voice.ErrNoCapacity)
}

// organization returns the call's organization settings; without them
// the assistant's and the environment's keys still serve.
func (s *Set) organization(ctx context.Context, c *voice.CallInfo) *organization.Settings {
	if s.cfg.Organizations == nil || c.OrganizationID == 0 {
		return nil
	}
	org, err := s.cfg.Organizations.Get(ctx, c.OrganizationID)
	if err != nil {
		s.cfg.Log.Warn("organization keys unavailable", "call_id", c.ID, "organization_id", c.OrganizationID, "err", err)
		return nil
	}
	return &org.Settings
}

// describe lists where keys came from, with their limits, for a log line.
func describe(cands []candidate) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = fmt.Sprintf("%s key (limit %d)", c.source, c.limit)
	}
	return out
}

// heldStream releases its slot when closed.
type heldStream struct {
	voice.STTStream
	held held
}

func (h *heldStream) Close() error {
	defer h.held.done()
	return h.STTStream.Close()
}

// heldSession releases its slot when closed.
type heldSession struct {
	voice.TTSSession
	held held
}

func (h *heldSession) Close() error {
	defer h.held.done()
	return h.TTSSession.Close()
}
