package providers

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/providers/fakes"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/llmfallback"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// orgs serves fixed organization settings.
type orgs map[int64]organization.Settings

func (o orgs) Get(_ context.Context, id int64) (*organization.Org, error) {
	s, ok := o[id]
	if !ok {
		return nil, errors.New("no such organization")
	}
	return &organization.Org{ID: id, Result: organization.Result{Settings: s}}, nil
}

// world is every fake behind one loopback server and a Set pointed at it
// through the environment.
type world struct {
	fakes *fakes.Fakes
	set   *Set
	env   map[string]string
}

func newWorld(t *testing.T, key string, o orgs, env map[string]string) *world {
	t.Helper()
	f, err := fakes.New(fakes.Options{Key: key, Script: openaifake.Script{Default: "You said: {user}"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(func() { f.Close(); srv.Close() })
	if env == nil {
		env = map[string]string{}
	}
	for _, kv := range f.Env(srv.URL) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	w := &world{fakes: f, env: env}
	w.set = New(Config{Organizations: o, Getenv: func(k string) string { return env[k] }})
	return w
}

var info = &voice.CallInfo{ID: "CA-providers", OrganizationID: 7}

// hear collects a stream's final words.
type hear struct {
	mu    sync.Mutex
	words []string
	fatal error
}

func (h *hear) emit(ev voice.STTEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch e := ev.(type) {
	case *voice.Transcript:
		if e.Final {
			for _, w := range e.Words {
				h.words = append(h.words, w.Text)
			}
		}
	case *voice.STTError:
		if e.Fatal {
			h.fatal = e.Err
		}
	}
}

func (h *hear) text() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.words, " ")
}

func (h *hear) failed() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fatal
}

func say(t *testing.T, st voice.STTStream, text string) {
	t.Helper()
	frames := fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(text)})
	frames = append(frames, fakespeech.Silence(time.Second)...)
	for _, f := range frames {
		if err := st.SendAudio(f); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRecognitionThroughTheOrganizationsKey(t *testing.T) {
	w := newWorld(t, "org-dg", orgs{7: {ProviderKeys: map[string]string{"deepgram_api_key": "org-dg"}}}, nil)
	cfg := assistant.Defaults()
	h := &hear{}
	st, err := w.set.OpenSTT(t.Context(), info, cfg, voice.Telephony, h.emit)
	if err != nil {
		t.Fatal(err)
	}
	say(t, st, "hello there")
	testkit.Eventually(t, 10*time.Second, func() error {
		if got := h.text(); got != "Hello there." {
			return fmt.Errorf("heard %q", got)
		}
		return nil
	})
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// The assistant's own key comes before the organization's: a wrong one
// is refused by the service even though the organization's would work.
func TestAssistantsKeyComesFirst(t *testing.T) {
	w := newWorld(t, "org-dg", orgs{7: {ProviderKeys: map[string]string{"deepgram_api_key": "org-dg"}}}, nil)
	cfg := assistant.Defaults()
	cfg.APIKeys = map[string]string{"deepgram_api_key": "stale-assistant-key"}
	h := &hear{}
	st, err := w.set.OpenSTT(t.Context(), info, cfg, voice.Telephony, h.emit)
	if err == nil { // refused after the open, by a fatal event
		testkit.Eventually(t, 10*time.Second, func() error {
			err = h.failed()
			if err == nil {
				return errors.New("the stream was not refused")
			}
			return nil
		})
		_ = st.Close()
	}
	if !strings.Contains(err.Error(), "401") {
		t.Fatalf("refusal %v", err)
	}
}

func TestKeyOrder(t *testing.T) {
	env := environment{keys: map[string]string{"deepgram": "env"}, limits: map[string]int{"deepgram": 9}}
	org := &organization.Settings{
		ProviderKeys: map[string]string{"deepgram_api_key": "org", "deepgram_api_key_spare": "spare", "deepgram_api_key_b": "b",
			"openai_api_key": "not-deepgram"},
		Concurrency: map[string]int{"deepgram": 4},
	}
	limit := 2
	got := env.candidates("deepgram", []string{"explicit", "", "explicit", "own"}, &limit, org)
	want := []candidate{{"explicit", fromAssistant, 2}, {"own", fromAssistant, 2}, {"org", fromOrganization, 4},
		{"b", fromOrganization, 4}, {"spare", fromOrganization, 4}, {"env", fromEnvironment, 9}}
	if len(got) != len(want) {
		t.Fatalf("candidates %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("candidate %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if c := env.candidates("deepgram", nil, nil, nil); len(c) != 1 || c[0].key != "env" {
		t.Fatalf("environment only: %+v", c)
	}
}

func TestEnvironmentIsRead(t *testing.T) {
	e := readEnvironment(func(k string) string {
		return map[string]string{"DEEPGRAM_API_KEY": "dg", "SWITCHBOARD_DEEPGRAM_BASE_URL": "http://x/dg",
			"SWITCHBOARD_DEEPGRAM_CONCURRENCY": "5", "SWITCHBOARD_OPENAI_CONCURRENCY": "lots"}[k]
	})
	if e.keys["deepgram"] != "dg" || e.bases["deepgram"] != "http://x/dg" || e.limits["deepgram"] != 5 || e.limits["openai"] != 0 {
		t.Fatalf("environment %+v", e)
	}
}

// Slots run out key by key: the assistant's (stt_limit), then the
// organization's (its concurrency), and then streams are refused; a
// closed stream or an ended call gives its slot back.
func TestSlotsFallBackThenRefuse(t *testing.T) {
	w := newWorld(t, "", orgs{7: {ProviderKeys: map[string]string{"deepgram_api_key": "org-dg"},
		Concurrency: map[string]int{"deepgram": 1}}}, nil)
	cfg := assistant.Defaults()
	one := 1
	cfg.STTLimit, cfg.APIKeys = &one, map[string]string{"deepgram_api_key": "own-dg"}
	open := func(ctx context.Context) (voice.STTStream, error) {
		return w.set.OpenSTT(ctx, info, cfg, voice.Telephony, func(voice.STTEvent) {})
	}
	used := func(key string) int {
		w.set.slots.mu.Lock()
		defer w.set.slots.mu.Unlock()
		return w.set.slots.used[slotKey{kind: "stt", provider: "deepgram", key: key}]
	}
	first, err := open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, endCall := context.WithCancel(t.Context())
	second, err := open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if used("own-dg") != 1 || used("org-dg") != 1 {
		t.Fatalf("slots own %d org %d", used("own-dg"), used("org-dg"))
	}
	if _, err := open(t.Context()); !errors.Is(err, voice.ErrNoCapacity) {
		t.Fatalf("third stream: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if used("own-dg") != 0 {
		t.Fatal("a closed stream kept its slot")
	}
	endCall()
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := used("org-dg"); n != 0 {
			return fmt.Errorf("the ended call holds %d slots", n)
		}
		return nil
	})
	_ = second.Close()
	third, err := open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_ = third.Close()
}

func TestNoKeyForTheRealService(t *testing.T) {
	s := New(Config{})
	_, err := s.OpenTTS(t.Context(), info, assistant.Defaults(), voice.Telephony)
	if !errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), "ELEVENLABS_API_KEY") {
		t.Fatalf("error %v", err)
	}
	llm, err := s.LLM(info, assistant.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if err := llm.Generate(t.Context(), voice.LLMRequest{}, func(voice.LLMEvent) {}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("generate without a key: %v", err)
	}
}

// Every synthesizer an assistant can name speaks through its fake.
func TestEverySynthesizerSpeaks(t *testing.T) {
	w := newWorld(t, "tts-key", nil, map[string]string{"ELEVENLABS_API_KEY": "tts-key", "DEEPGRAM_API_KEY": "tts-key",
		"CARTESIA_API_KEY": "tts-key", "OPENAI_API_KEY": "tts-key"})
	for provider, voiceID := range map[string]string{"elevenlabs": "rachel", "deepgram": "aura-2-thalia-en",
		"cartesia": "a0e99841-438c-4a64-b679-ae501e7d6091", "openai": "alloy"} {
		t.Run(provider, func(t *testing.T) {
			cfg := assistant.Defaults()
			cfg.TTSSettings.Provider, cfg.TTSSettings.VoiceID, cfg.TTSSettings.ModelID = provider, voiceID, ""
			sess, err := w.set.OpenTTS(t.Context(), info, cfg, voice.Telephony)
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			var (
				mu    sync.Mutex
				audio int
				done  = make(chan error, 1)
			)
			u, err := sess.Speak(func(ev voice.TTSEvent) {
				switch e := ev.(type) {
				case *voice.TTSAudio:
					mu.Lock()
					audio += len(e.Audio)
					mu.Unlock()
				case *voice.TTSDone:
					done <- nil
				case *voice.TTSError:
					done <- e.Err
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := u.Send("Hello from the fake."); err != nil {
				t.Fatal(err)
			}
			if err := u.End(); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no end of speech")
			}
			mu.Lock()
			defer mu.Unlock()
			if audio < voice.Telephony.Bytes(500*time.Millisecond) {
				t.Fatalf("%d bytes of audio", audio)
			}
		})
	}
}

// A primary model refusing with 429 hands the request to its fallback.
func TestModelFallsBackThroughTheFakes(t *testing.T) {
	w := newWorld(t, "", nil, map[string]string{"OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "ak-1"})
	inj, _ := w.fakes.Faults("openai")
	inj.Always(fault.Fault{Kind: fault.RateLimited})
	cfg := assistant.Defaults()
	model := "claude-haiku-4-5"
	cfg.LLMFallbackProviders = assistant.LLMFallbackSettings{Enabled: true, Fallbacks: []assistant.LLMFallback{
		{Provider: "gemini"}, // no model for another provider: skipped
		{Provider: "anthropic", Model: &model},
	}}
	llm, err := w.set.LLM(info, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ev openaifake.Events
	req := voice.LLMRequest{Messages: []voice.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "hi"}},
		Settings: cfg.LLMSettings}
	if err := llm.Generate(t.Context(), req, ev.Emit); err != nil {
		t.Fatal(err)
	}
	served := ev.Served()
	if ev.Text() != "You said: hi" || served == nil || served.Provider != "anthropic" || !served.Fallback ||
		len(served.FailedProviders) != 1 || served.FailedProviders[0] != "openai" {
		t.Fatalf("text %q served %+v", ev.Text(), served)
	}
	if err := ev.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownProvidersAreNamed(t *testing.T) {
	s := New(Config{})
	cfg := assistant.Defaults()
	cfg.LLMProvider = "mystery"
	if _, err := s.LLM(info, cfg); !errors.Is(err, ErrUnknownProvider) || !strings.Contains(err.Error(), "mystery") {
		t.Fatalf("llm: %v", err)
	}
	cfg.TTSSettings.Provider = "mystery"
	if _, err := s.OpenTTS(t.Context(), info, cfg, voice.Telephony); !errors.Is(err, ErrUnknownProvider) {
		t.Fatalf("tts: %v", err)
	}
}

// An assistant's base_url may not reach the engine's own network unless
// the operator allows it; the environment's endpoints are trusted.
func TestAssistantEndpointsMustBePublic(t *testing.T) {
	w := newWorld(t, "", nil, nil)
	cfg := assistant.Defaults()
	cfg.TTSSettings.ProviderConfig = map[string]any{"base_url": "http://127.0.0.1:1", "api_key": "k"}
	cfg.STTSettings.ProviderConfig = map[string]any{"base_url": "http://[::1]:1/v1", "api_key": "k"}
	if _, err := w.set.OpenTTS(t.Context(), info, cfg, voice.Telephony); !errors.Is(err, ErrPrivateEndpoint) {
		t.Fatalf("synthesizer on loopback: %v", err)
	}
	if _, err := w.set.OpenSTT(t.Context(), info, cfg, voice.Telephony, func(voice.STTEvent) {}); !errors.Is(err, ErrPrivateEndpoint) {
		t.Fatalf("recognizer on loopback: %v", err)
	}
	private := "http://10.1.2.3/v1"
	cfg.LLMProviderConfig.BaseURL = &private
	llm, err := w.set.LLM(info, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := llm.Generate(t.Context(), voice.LLMRequest{}, func(voice.LLMEvent) {}); !errors.Is(err, ErrPrivateEndpoint) {
		t.Fatalf("model on a private address: %v", err)
	}

	allowed := New(Config{AllowPrivateURLs: true, Getenv: func(k string) string { return w.env[k] }})
	cfg = assistant.Defaults()
	cfg.TTSSettings.ProviderConfig = map[string]any{"base_url": w.env["SWITCHBOARD_ELEVENLABS_BASE_URL"], "api_key": "k"}
	sess, err := allowed.OpenTTS(t.Context(), info, cfg, voice.Telephony)
	if err != nil {
		t.Fatalf("allowed loopback synthesizer: %v", err)
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
}

// A model without fallbacks that stalls mid-reply is cut off at the stall
// deadline, not left to the stream's 30 s idle limit.
func TestALoneModelThatStallsIsCutOff(t *testing.T) {
	w := newWorld(t, "", nil, map[string]string{"OPENAI_API_KEY": "sk-1"})
	inj, _ := w.fakes.Faults("openai")
	inj.Next(fault.Fault{Kind: fault.Stall, After: 2}, 1)
	vc := clock.NewVirtual(time.Unix(1_700_000_000, 0))
	set := New(Config{Getenv: func(k string) string { return w.env[k] }, Clock: vc})
	llm, err := set.LLM(info, assistant.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	var ev openaifake.Events
	done := make(chan error, 1)
	go func() {
		done <- llm.Generate(t.Context(), voice.LLMRequest{Messages: []voice.Message{{Role: "user", Content: "tell me a long story"}},
			Settings: assistant.Defaults().LLMSettings}, ev.Emit)
	}()
	testkit.Eventually(t, 10*time.Second, func() error {
		if ev.Text() == "" || vc.Pending() == 0 {
			return errors.New("no token yet")
		}
		return nil
	})
	vc.Advance(llmfallback.DefaultStallTimeout)
	if err := <-done; !errors.Is(err, llmfallback.ErrStalled) || ev.Text() == "" {
		t.Fatalf("%q %v", ev.Text(), err)
	}
}
