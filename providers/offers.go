package providers

import (
	"context"
	"fmt"
	"reflect"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/organization"
)

// Offer says whether an organization's assistants can use a provider on
// this engine without bringing their own key.
type Offer struct {
	Provider string `json:"provider"`
	// Available: a key is configured (the organization's provider_keys or
	// the engine's environment), or the engine points the provider at its
	// own endpoint (a self-hosted server), which may need none.
	Available bool `json:"available"`
	// KeySources are where keys come from: organization, environment.
	KeySources []string `json:"key_sources"`
	// Endpoint is "service" (the provider's own) or "configured" (the
	// engine's SWITCHBOARD_<PROVIDER>_BASE_URL).
	Endpoint string `json:"endpoint"`
}

// Offers are the providers the assistant schema knows, by kind.
type Offers struct {
	LLM []Offer `json:"llm"`
	STT []Offer `json:"stt"`
	TTS []Offer `json:"tts"`
}

// catalog is every provider an assistant may name, from the schema's
// enums, so that it never disagrees with what writes accept.
var catalog = struct{ llm, stt, tts []string }{
	llm: enum(reflect.TypeFor[assistant.Config](), "llm_provider"),
	stt: enum(reflect.TypeFor[assistant.STTSettings](), "provider"),
	tts: enum(reflect.TypeFor[assistant.TTSSettings](), "provider"),
}

func enum(t reflect.Type, field string) []string {
	for _, f := range typeddoc.Fields(t) {
		if f.Name == field {
			return f.Rules.Enum
		}
	}
	panic(fmt.Sprintf("providers: %s has no field %q", t, field))
}

// Offers lists what an organization's assistants can run on this engine.
func (s *Set) Offers(ctx context.Context, orgID int64) (Offers, error) {
	var org *organization.Settings
	if s.cfg.Organizations != nil {
		o, err := s.cfg.Organizations.Get(ctx, orgID)
		if err != nil {
			return Offers{}, fmt.Errorf("providers: organization %d: %w", orgID, err)
		}
		org = &o.Settings
	}
	offers := func(names []string) []Offer {
		out := make([]Offer, len(names))
		for i, p := range names {
			o := Offer{Provider: p, KeySources: []string{}, Endpoint: "service"}
			for _, c := range s.env.candidates(p, nil, nil, org) {
				if len(o.KeySources) == 0 || o.KeySources[len(o.KeySources)-1] != c.source {
					o.KeySources = append(o.KeySources, c.source)
				}
			}
			if s.env.bases[p] != "" {
				o.Endpoint = "configured"
			}
			o.Available = len(o.KeySources) > 0 || o.Endpoint == "configured"
			out[i] = o
		}
		return out
	}
	return Offers{LLM: offers(catalog.llm), STT: offers(catalog.stt), TTS: offers(catalog.tts)}, nil
}
