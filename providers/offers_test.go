package providers

import (
	"context"
	"slices"
	"testing"

	"github.com/switchboard-voice/switchboard/organization"
)

func TestOffers(t *testing.T) {
	env := map[string]string{"OPENAI_API_KEY": "sk-env", "SWITCHBOARD_CARTESIA_BASE_URL": "http://127.0.0.1:1"}
	o := orgs{1: organization.Settings{ProviderKeys: map[string]string{"openai_api_key": "sk-org", "deepgram_api_key": "dg", "deepgram_api_key_2": "dg2"}}}
	s := New(Config{Organizations: o, Getenv: func(k string) string { return env[k] }})
	got, err := s.Offers(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	find := func(list []Offer, p string) Offer {
		i := slices.IndexFunc(list, func(o Offer) bool { return o.Provider == p })
		if i < 0 {
			t.Fatalf("%s not offered in %v", p, list)
		}
		return list[i]
	}
	if o := find(got.LLM, "openai"); !o.Available || !slices.Equal(o.KeySources, []string{"organization", "environment"}) {
		t.Errorf("openai %+v", o)
	}
	if o := find(got.LLM, "anthropic"); o.Available || len(o.KeySources) != 0 || o.Endpoint != "service" {
		t.Errorf("anthropic %+v", o)
	}
	if o := find(got.STT, "deepgram"); !o.Available || !slices.Equal(o.KeySources, []string{"organization"}) {
		t.Errorf("deepgram stt %+v", o)
	}
	if o := find(got.TTS, "cartesia"); !o.Available || o.Endpoint != "configured" {
		t.Errorf("cartesia %+v", o)
	}
	if o := find(got.TTS, "elevenlabs"); o.Available {
		t.Errorf("elevenlabs %+v", o)
	}
	// Every provider the schema accepts is offered, once.
	if len(got.LLM) != len(catalog.llm) || len(got.STT) != len(catalog.stt) || len(got.TTS) != len(catalog.tts) || len(catalog.llm) < 7 {
		t.Errorf("offers %d %d %d for catalogs %v %v %v", len(got.LLM), len(got.STT), len(got.TTS), catalog.llm, catalog.stt, catalog.tts)
	}
	if _, err := s.Offers(context.Background(), 2); err == nil {
		t.Error("an unknown organization's offers")
	}
}
