// Package embeddingsfake is a loopback fake of OpenAI's embeddings
// endpoint (POST …/embeddings): it checks the API key and the request
// like the service, answers in the service's shape with deterministic
// vectors computed from the text, and applies configurable latency and
// faults. Its vectors hash the text's words and their letter trigrams
// into the model's dimensions, so texts that share words (or word stems)
// are near each other and unrelated texts are nearly orthogonal: enough
// for retrieval to be tested and measured without the real model.
package embeddingsfake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/providers/fault"
)

// Options configure a Fake.
type Options struct {
	Key     string          // the API key accepted; "" accepts any non-empty key
	Latency time.Duration   // added to every successful request
	Clock   clock.Clock     // nil: the real clock
	Faults  *fault.Injector // nil: a new one
}

// Fake serves the embeddings endpoint.
type Fake struct {
	opts     Options
	handler  http.Handler
	requests atomic.Int64
	inputs   atomic.Int64
}

// Models the fake knows, with their default dimensions (as OpenAI's).
var Models = map[string]int{
	"text-embedding-3-small": 1536,
	"text-embedding-3-large": 3072,
	"text-embedding-ada-002": 1536,
}

// MaxInputs is the service's limit of inputs in one request.
const MaxInputs = 2048

// New returns a fake.
func New(o Options) *Fake {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Faults == nil {
		o.Faults = &fault.Injector{}
	}
	f := &Fake{opts: o}
	f.handler = o.Faults.Middleware(faultBody, http.HandlerFunc(f.serve))
	return f
}

// Faults is the injector whose faults the fake applies.
func (f *Fake) Faults() *fault.Injector { return f.opts.Faults }

// Requests and Inputs count the successful requests and the texts embedded.
func (f *Fake) Requests() int64 { return f.requests.Load() }
func (f *Fake) Inputs() int64   { return f.inputs.Load() }

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

type request struct {
	Model          *string         `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat string          `json:"encoding_format"`
	Dimensions     *int            `json:"dimensions"`
	User           string          `json:"user"`
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		apiError(w, http.StatusMethodNotAllowed, "invalid_request_error", "", "method_not_allowed", "Only POST is allowed.")
		return
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || key == "" || (f.opts.Key != "" && key != f.opts.Key) {
		apiError(w, http.StatusUnauthorized, "invalid_request_error", "", "invalid_api_key", "Incorrect API key provided.")
		return
	}
	var req request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "", "", "We could not parse the JSON body of your request.")
		return
	}
	if req.Model == nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "model", "", "you must provide a model parameter")
		return
	}
	dims, known := Models[*req.Model]
	if !known {
		apiError(w, http.StatusNotFound, "invalid_request_error", "model", "model_not_found",
			fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", *req.Model))
		return
	}
	if req.Dimensions != nil {
		if *req.Model == "text-embedding-ada-002" || *req.Dimensions < 1 || *req.Dimensions > dims {
			apiError(w, http.StatusBadRequest, "invalid_request_error", "dimensions", "", "This model does not support specifying dimensions.")
			return
		}
		dims = *req.Dimensions
	}
	if req.EncodingFormat != "" && req.EncodingFormat != "float" && req.EncodingFormat != "base64" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "encoding_format", "", "encoding_format must be float or base64")
		return
	}
	inputs, msg := parseInput(req.Input)
	if msg != "" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "input", "", msg)
		return
	}
	if req.EncodingFormat == "base64" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "encoding_format", "", "this fake serves encoding_format float only")
		return
	}
	if f.opts.Latency > 0 {
		done := make(chan struct{})
		t := f.opts.Clock.AfterFunc(f.opts.Latency, func() { close(done) })
		select {
		case <-done:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	out := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
		Usage  struct {
			PromptTokens int `json:"prompt_tokens"`
			TotalTokens  int `json:"total_tokens"`
		} `json:"usage"`
	}{Object: "list", Model: *req.Model}
	for i, in := range inputs {
		out.Data = append(out.Data, item{Object: "embedding", Index: i, Embedding: Vector(in, dims)})
		out.Usage.PromptTokens += len(strings.Fields(in)) + 1
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens
	f.requests.Add(1)
	f.inputs.Add(int64(len(inputs)))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// parseInput reads input as the service takes it: a string or an array
// of strings (token arrays are not served by the fake).
func parseInput(raw json.RawMessage) ([]string, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "you must provide an input parameter"
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."
		}
		return []string{one}, ""
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."
	}
	switch {
	case len(many) == 0:
		return nil, "'$.input' is invalid: an empty array."
	case len(many) > MaxInputs:
		return nil, fmt.Sprintf("'$.input' is invalid: at most %d inputs.", MaxInputs)
	}
	for _, s := range many {
		if s == "" {
			return nil, "'$.input' is invalid: an empty string."
		}
	}
	return many, ""
}

// Vector is the fake's embedding of text in dims dimensions, of unit
// length. The text's features (each lower-cased word, weight 1, and each
// of its letter trigrams, weight 0.3) are each projected onto spread
// pseudo-random dimensions with pseudo-random signs: a sparse random
// projection, so a text's vector is dense like a real model's and the
// cosine of two texts is their features' cosine give or take a few
// hundredths.
func Vector(text string, dims int) []float32 {
	acc := make([]float32, dims)
	add := func(feature string, w float32) {
		h := fnv.New64a()
		_, _ = h.Write([]byte(feature))
		seed := h.Sum64()
		for range spread {
			r := splitmix(&seed)
			if r>>63 == 1 {
				acc[int(r%uint64(dims))] += w
			} else {
				acc[int(r%uint64(dims))] -= w
			}
		}
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	for _, word := range words {
		if stopWords[word] {
			continue
		}
		add("w:"+word, 1)
		padded := []rune("^" + word + "$")
		for i := 0; i+3 <= len(padded); i++ {
			add("t:"+string(padded[i:i+3]), 0.3)
		}
	}
	var sum float64
	for _, x := range acc {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		add("", 1) // a text of stop words only: a fixed direction
		sum = float64(dims)
	}
	n := float32(1 / math.Sqrt(sum))
	for i := range acc {
		acc[i] *= n
	}
	return acc
}

// spread is how many dimensions each feature reaches.
const spread = 48

// splitmix is SplitMix64: a fast, well-mixed stream from a seed.
func splitmix(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// stopWords carry no meaning of their own: leaving them out keeps "what
// are your opening hours" near the chunk about opening hours rather than
// near every question.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but of to in on at for from by with about as is are was were be been
		being am do does did have has had i you he she it we they me my your our their its this that these those what which
		who whom when where why how can could would should will shall may might must not no yes so if then than there here
		please tell know want like just any some`) {
		stopWords[w] = true
	}
}

func apiError(w http.ResponseWriter, status int, typ, param, code, msg string) {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": null(param), "code": null(code)}})
}

// faultBody is the service's body for each status fault.
func faultBody(k fault.Kind) []byte {
	var e map[string]any
	switch k {
	case fault.Unauthorized:
		e = map[string]any{"message": "Incorrect API key provided.", "type": "invalid_request_error", "param": nil, "code": "invalid_api_key"}
	case fault.RateLimited:
		e = map[string]any{"message": "Rate limit reached for text-embedding-3-small on requests per min (RPM).", "type": "requests",
			"param": nil, "code": "rate_limit_exceeded"}
	default:
		e = map[string]any{"message": "The server had an error while processing your request. Sorry about that!", "type": "server_error",
			"param": nil, "code": nil}
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}
