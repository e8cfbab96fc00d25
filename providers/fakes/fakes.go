// Package fakes runs every provider fake behind one handler, each under
// its own path prefix, so an engine (or any assistant) can be pointed at
// all of them with one base URL per provider. It backs `switchboard
// fakes`, end-to-end tests, the benchmark and the demo.
//
// The caller's words reach the fake recognizer inside the audio itself
// (see internal/fakespeech); the fake models answer from one script.
package fakes

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/anthropic/anthropicfake"
	"github.com/switchboard-voice/switchboard/providers/aura/aurafake"
	"github.com/switchboard-voice/switchboard/providers/cartesia/cartesiafake"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/elevenlabs/elevenlabsfake"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/gemini/geminifake"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
	"github.com/switchboard-voice/switchboard/providers/openaitts/openaittsfake"
	"github.com/switchboard-voice/switchboard/providers/scribe/scribefake"
	"github.com/switchboard-voice/switchboard/providers/soniox/sonioxfake"
	"github.com/switchboard-voice/switchboard/providers/speechmatics/speechmaticsfake"
)

// Options configure the fakes.
type Options struct {
	Script openaifake.Script // what the models answer
	Key    string            // the key every fake demands; "" accepts any
	Clock  clock.Clock       // nil: the real clock

	// STTDelay is the recognizer's processing latency, on top of the
	// endpointing silence the assistant asks for.
	STTDelay time.Duration
	// LLM paces the models: time to first token and token rate.
	LLM openaifake.Latency
	// TTSFirstByte is the synthesizers' time to first audio; TTSSpeed their
	// audio rate as a multiple of real time (0: as fast as possible).
	TTSFirstByte time.Duration
	TTSSpeed     float64
	// Embeddings is the embeddings endpoint's latency per request.
	Embeddings time.Duration
	// ModelsRoot, if set, is where the models' endpoints are reached
	// instead of the root given to BaseURLs and Env: an HTTPS listener
	// serving this handler too, as production reaches the models over TLS
	// with HTTP/2. OpenAI's speech and embeddings share its host and go
	// with it; the websocket fakes stay on the plain root.
	ModelsRoot string
}

// llmNames are the OpenAI-compatible providers, each with its own fake so
// that faults can fail one and leave its fallback working.
var llmNames = []string{"openai", "azure", "groq", "xai", "custom"}

// Fakes is every provider fake behind one handler. They keep no record
// of their traffic: they serve long runs (the benchmark's soak, the demo),
// and nothing reads the records through them.
type Fakes struct {
	mux    *http.ServeMux
	faults map[string]*fault.Injector // by fault target, see Targets
	bases  map[string]string          // provider → path under the root
	models map[string]bool            // the providers under ModelsRoot
	root   string                     // ModelsRoot
	closer []func()
}

// New builds the fakes; it fails on an invalid script.
func New(o Options) (*Fakes, error) {
	f := &Fakes{mux: http.NewServeMux(), faults: map[string]*fault.Injector{}, bases: map[string]string{},
		models: map[string]bool{}, root: o.ModelsRoot}
	llm := func() openaifake.Config {
		return openaifake.Config{Script: o.Script, Latency: o.LLM, Clock: o.Clock, APIKey: o.Key, Faults: &fault.Injector{}, Records: recent.Nothing}
	}
	chat := map[string]*openaifake.Fake{}
	for _, name := range llmNames {
		fk, err := openaifake.New(openaifake.Options{Config: llm()})
		if err != nil {
			return nil, fmt.Errorf("fakes: %w", err)
		}
		chat[name] = fk
		f.add(name, fk.Faults(), fk.Close)
	}
	anth, err := anthropicfake.New(llm())
	if err != nil {
		return nil, fmt.Errorf("fakes: %w", err)
	}
	f.add("anthropic", anth.Faults(), anth.Close)
	gem, err := geminifake.New(llm())
	if err != nil {
		return nil, fmt.Errorf("fakes: %w", err)
	}
	f.add("gemini", gem.Faults(), gem.Close)

	sttFaults := &fault.Injector{}
	stt := deepgramfake.New(deepgramfake.Config{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, Delay: o.STTDelay, Faults: sttFaults})
	f.add("deepgram", sttFaults, stt.Close)
	sonioxFaults := &fault.Injector{}
	son := sonioxfake.New(sonioxfake.Config{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, Delay: o.STTDelay, Faults: sonioxFaults})
	f.add("soniox", sonioxFaults, son.Close)
	smFaults := &fault.Injector{}
	sm := speechmaticsfake.New(speechmaticsfake.Config{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, Delay: o.STTDelay, Faults: smFaults})
	f.add("speechmatics", smFaults, sm.Close)
	scribeFaults := &fault.Injector{}
	scr := scribefake.New(scribefake.Config{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, Delay: o.STTDelay, Faults: scribeFaults})
	f.add("elevenlabs-stt", scribeFaults, scr.Close)
	aura := aurafake.New(aurafake.Options{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, FirstByte: o.TTSFirstByte, Speed: o.TTSSpeed, FlushLimit: -1})
	f.add("deepgram-tts", aura.Faults(), aura.Close)
	eleven := elevenlabsfake.New(elevenlabsfake.Options{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, FirstByte: o.TTSFirstByte, Speed: o.TTSSpeed})
	f.add("elevenlabs", eleven.Faults(), eleven.Close)
	cart := cartesiafake.New(cartesiafake.Options{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, FirstByte: o.TTSFirstByte, Speed: o.TTSSpeed})
	f.add("cartesia", cart.Faults(), cart.Close)
	emb := embeddingsfake.New(embeddingsfake.Options{Key: o.Key, Clock: o.Clock, Latency: o.Embeddings})
	f.add("openai-embeddings", emb.Faults(), func() {})
	speech := openaittsfake.New(openaittsfake.Options{Records: recent.Nothing, Key: o.Key, Clock: o.Clock, FirstByte: o.TTSFirstByte, Speed: o.TTSSpeed})
	f.add("openai-tts", speech.Faults(), speech.Close)

	// Deepgram's recognizer and Aura share a host, as do OpenAI's chat and
	// speech endpoints and ElevenLabs' synthesis and Scribe: one base URL
	// each, told apart by path.
	f.mount("deepgram", "/deepgram", bySuffix("/v1/speak", aura, stt))
	f.mountModel("openai", "/openai/v1", bySuffix("/audio/speech", speech, bySuffix("/embeddings", emb, chat["openai"])))
	f.mountModel("azure", "/azure", chat["azure"])
	f.mountModel("groq", "/groq/openai/v1", chat["groq"])
	f.mountModel("xai", "/xai/v1", chat["xai"])
	f.mountModel("custom", "/custom/v1", chat["custom"])
	f.mountModel("anthropic", "/anthropic", anth)
	f.mountModel("gemini", "/gemini", gem)
	f.mount("elevenlabs", "/elevenlabs", bySuffix(scribefake.Path, scr, eleven))
	f.mount("cartesia", "/cartesia", cart)
	f.mount("soniox", "/soniox", son)
	f.mount("speechmatics", "/speechmatics", sm)
	f.mux.HandleFunc("/_faults/{target}", f.serveFaults)
	return f, nil
}

func (f *Fakes) add(target string, inj *fault.Injector, closer func()) {
	f.faults[target] = inj
	f.closer = append(f.closer, closer)
}

func (f *Fakes) mount(provider, prefix string, h http.Handler) {
	f.bases[provider] = prefix
	f.mux.Handle(prefix+"/", h)
}

// mountModel mounts a model's endpoints, reached at ModelsRoot if set.
func (f *Fakes) mountModel(provider, prefix string, h http.Handler) {
	f.models[provider] = true
	f.mount(provider, prefix, h)
}

// bySuffix sends requests for paths ending in suffix to a, the rest to b.
func bySuffix(suffix string, a, b http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), suffix) {
			a.ServeHTTP(w, r)
			return
		}
		b.ServeHTTP(w, r)
	})
}

// ServeHTTP serves every fake.
func (f *Fakes) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// Close ends every stream in flight and refuses new ones.
func (f *Fakes) Close() {
	for _, c := range f.closer {
		c()
	}
}

// BaseURLs are each provider's base URL under root (the fakes' own URL,
// e.g. http://127.0.0.1:9300), or under Options.ModelsRoot for the models
// if set, by provider name as configurations use it.
func (f *Fakes) BaseURLs(root string) map[string]string {
	out := make(map[string]string, len(f.bases))
	for p, prefix := range f.bases {
		r := root
		if f.models[p] && f.root != "" {
			r = f.root
		}
		out[p] = strings.TrimSuffix(r, "/") + prefix
	}
	return out
}

// Env is the environment that points an engine at the fakes under root:
// SWITCHBOARD_<PROVIDER>_BASE_URL for each, sorted.
func (f *Fakes) Env(root string) []string {
	var out []string
	for p, u := range f.BaseURLs(root) {
		out = append(out, "SWITCHBOARD_"+strings.ToUpper(p)+"_BASE_URL="+u)
	}
	sort.Strings(out)
	return out
}

// Faults is the injector of a target: a provider's name, or
// "deepgram-tts" (Aura), "openai-tts" and "openai-embeddings" for the
// fakes that share a host with another, and "elevenlabs-stt" for Scribe,
// which shares ElevenLabs' with its synthesizer.
func (f *Fakes) Faults(target string) (*fault.Injector, bool) {
	inj, ok := f.faults[target]
	return inj, ok
}

// Targets lists the fault targets.
func (f *Fakes) Targets() []string {
	out := make([]string, 0, len(f.faults))
	for t := range f.faults {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
