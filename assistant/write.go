package assistant

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/internal/schemacheck"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// MaxChangeDescription bounds a write's change_description.
const MaxChangeDescription = 500

// ReadOnly are response fields a client may echo back in a write; they are
// ignored rather than rejected so GET-modify-PUT round trips work.
var ReadOnly = []string{
	"id", "uuid", "organization_id", "user_id", "version", "created_at", "updated_at",
	"total_calls", "avg_call_duration", "success_rate",
}

// Write is one parsed create, PUT or PATCH body.
type Write struct {
	Fields            Document
	ChangeDescription *string
	// Replace are paths of free-form objects that Fields replaces whole
	// instead of merging into (the vendor views' opaque JSON).
	Replace [][]string
	// Translate, when set, derives the write (its Fields and Replace) from
	// the configuration it applies to, nil for a new assistant: a vendor
	// view's body is translated where writes are serialised, so what it
	// derives from the current configuration is never stale.
	Translate func(current *Config) (Write, error)
	// View, with Translate, is what Translate translates, so that a node
	// the write is sent to can build the same Translate there.
	View *ViewWrite
}

// ViewWrite is a vendor view's write as the view received it.
type ViewWrite struct {
	View string   // the view's name: famulor.View, voicedock.View
	Op   int      // the view's operation, in its own terms (famulor.Op)
	Body Document // the body, as decoded
}

// ParseWrite reads a request body. Field problems are reported by Apply;
// here only the JSON itself and change_description are checked.
func ParseWrite(body []byte) (Write, error) {
	doc, err := DecodeDocument(body)
	if te := (*typeddoc.TextError)(nil); errors.As(err, &te) {
		return Write{}, typeddoc.Invalid("value_error", te.Msg, te.Loc...)
	}
	if err != nil {
		return Write{}, typeddoc.Invalid("json_invalid", err.Error())
	}
	w := Write{Fields: doc}
	if raw, present := doc["change_description"]; present {
		delete(doc, "change_description")
		switch d := raw.(type) {
		case nil:
		case string:
			if utf8.RuneCountInString(d) > MaxChangeDescription {
				return Write{}, typeddoc.Invalid("value_error", fmt.Sprintf("must be at most %d characters", MaxChangeDescription), "change_description")
			}
			w.ChangeDescription = &d
		default:
			return Write{}, typeddoc.Invalid("type_error", "must be a string", "change_description")
		}
	}
	for _, k := range ReadOnly {
		delete(doc, k)
	}
	return w, nil
}

// Result is a configuration ready to store and use.
type Result struct {
	Doc     Document // canonical, secrets sealed: what is stored
	JSON    []byte   // Doc encoded
	Config  Config   // secrets opened: what calls use
	Masked  Config   // secrets masked: what responses show
	Secrets []string // the opened secret values: scrubbed from provider errors
	Changed []string // field paths this write changed (from defaults for a new assistant); empty for a no-op
}

// Apply applies a write to a stored document (nil for a new assistant).
// The stored document must come from a Result (it is canonical). Secrets
// are sealed, the patch deep-merged, an interruption mode's preset filled
// in and the result validated: a *ValidationError lists every problem, and
// nothing is returned to store then.
func Apply(stored Document, w Write, s Sealer) (Result, error) {
	if w.Translate != nil {
		var err error
		if w, err = translate(stored, w); err != nil {
			return Result{}, err
		}
	}
	base := stored
	if base == nil {
		base = schema.Defaults()
	}
	patch := typeddoc.Clone(w.Fields).(map[string]any)
	problems, err := schema.SealPatch(patch, base, s)
	if err != nil {
		return Result{}, err
	}
	merged := schema.Merge(without(base, patch, w.Replace), patch)
	applyInterruptionPreset(merged, patch)
	if stored == nil {
		problems = append(problems, schema.Validate(merged)...)
	} else {
		// base is valid: only what the patch touched needs checking
		problems = append(problems, schema.ValidatePatched(merged, patch)...)
	}
	if len(problems) > 0 {
		return Result{}, &ValidationError{Errors: problems}
	}
	var c Config
	if err := typeddoc.Decode(merged, &c); err != nil {
		return Result{}, err
	}
	c.ToolsSettings.EnabledTools = enabledTools(c.ToolsSettings)
	if errs := crossCheck(&c); len(errs) > 0 {
		return Result{}, &ValidationError{Errors: errs}
	}
	res, err := finish(c, s)
	if err != nil {
		return Result{}, err
	}
	// Unchanged secrets keep their sealed bytes, so sealed documents compare.
	res.Changed = typeddoc.Changed(base, res.Doc)
	return res, nil
}

// translate runs a write's Translate on the stored configuration.
func translate(stored Document, w Write) (Write, error) {
	var current *Config
	if stored != nil {
		var c Config
		if err := typeddoc.Decode(schema.Normalize(stored), &c); err != nil {
			return Write{}, err
		}
		current = &c
	}
	tw, err := w.Translate(current)
	if err != nil {
		return Write{}, err
	}
	tw.ChangeDescription, tw.Translate, tw.View = w.ChangeDescription, nil, nil
	return tw, nil
}

// without returns doc without its values at those of paths the patch
// sets, so the patch replaces them; doc itself is not changed.
func without(doc, patch Document, paths [][]string) Document {
	for _, p := range paths {
		at := make([]any, len(p))
		for i, k := range p {
			at[i] = k
		}
		if typeddoc.Lookup(patch, at) != nil {
			doc = withoutPath(doc, p)
		}
	}
	return doc
}

func withoutPath(m map[string]any, p []string) map[string]any {
	if len(p) == 0 {
		return m
	}
	out := maps.Clone(m)
	if len(p) == 1 {
		delete(out, p[0])
		return out
	}
	child, ok := m[p[0]].(map[string]any)
	if !ok {
		return m
	}
	out[p[0]] = withoutPath(child, p[1:])
	return out
}

// Load prepares a stored document for use, filling fields added to the
// schema since it was written.
func Load(stored Document, s Sealer) (Result, error) {
	var c Config
	if err := typeddoc.Decode(schema.Normalize(stored), &c); err != nil {
		return Result{}, err
	}
	return finish(c, s)
}

// Restore returns target (a history snapshot) ready to store in place of
// current, with the fields the restore changes.
func Restore(current, target Document, s Sealer) (Result, error) {
	res, err := Load(target, s)
	if err != nil {
		return Result{}, err
	}
	res.Changed = typeddoc.Changed(current, res.Doc)
	return res, nil
}

// finish derives every form of a validated configuration whose secrets are
// sealed; it consumes c.
func finish(c Config, s Sealer) (Result, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return Result{}, fmt.Errorf("assistant: encode: %w", err)
	}
	res := Result{Doc: typeddoc.Encode(c).(map[string]any), JSON: data}
	if err := typeddoc.Decode(res.Doc, &res.Config); err != nil {
		return Result{}, err
	}
	if err := schema.EachTypedSecret(&res.Config, func(sealed string) (string, error) {
		open, err := s.Open(sealed)
		if err == nil && open != "" {
			res.Secrets = append(res.Secrets, open)
		}
		return open, err
	}); err != nil {
		return Result{}, fmt.Errorf("open secrets: %w", err)
	}
	maskConfig(&c)
	res.Masked = c
	return res, nil
}

// Masked decodes a stored document with its secrets masked, for responses.
func Masked(doc Document) (Config, error) {
	var c Config
	if err := typeddoc.Decode(schema.Normalize(doc), &c); err != nil {
		return Config{}, err
	}
	maskConfig(&c)
	return c, nil
}

func maskConfig(c *Config) {
	_ = schema.EachTypedSecret(c, func(string) (string, error) { return Mask, nil })
}

// builtinTools name the call tools the engine offers, in enabled_tools order.
var builtinTools = []string{"end_call", "transfer_call", "dtmf_solver", "send_sms"}

// enabledTools derives tools_settings.enabled_tools (Burki fills it itself).
func enabledTools(t ToolsSettings) []string {
	out := []string{}
	for i, on := range []bool{t.EndCall.Enabled, t.TransferCall.Enabled, t.DTMFSolver.Enabled, t.SendSMS.Enabled} {
		if on {
			out = append(out, builtinTools[i])
		}
	}
	for _, ct := range t.CustomTools {
		if ct.Enabled {
			out = append(out, ct.Name)
		}
	}
	return out
}

// crossCheck validates rules that span fields.
func crossCheck(c *Config) []FieldError {
	var errs []FieldError
	add := func(msg string, loc ...any) {
		errs = append(errs, FieldError{Loc: loc, Msg: msg, Type: "value_error"})
	}
	ts := c.ToolsSettings
	if ts.TransferCall.Enabled && len(ts.TransferCall.TransferNumbers) == 0 {
		add("at least one transfer number is required when transfer_call is enabled", "tools_settings", "transfer_call", "transfer_numbers")
	}
	if len(c.BypassNumbers) > 0 && len(ts.TransferCall.TransferNumbers) == 0 {
		add("bypass numbers are transferred to the first transfer number, so one is required", "bypass_numbers")
	}
	if ws := c.WebhookSettings; ws.Events != nil && ws.Format != "voicedock" {
		for _, e := range SynchronousEvents {
			if slices.Contains(*ws.Events, e) {
				add(e+" is VoiceDock's: it needs the voicedock format", "webhook_settings", "events")
			}
		}
	}
	_, toWebhook := c.ToolCallsWebhook()
	seen := map[string]bool{}
	for i, ct := range ts.CustomTools {
		switch {
		case ct.URL == "" && !toWebhook:
			add("is required unless the assistant's voicedock webhook takes tool-calls", "tools_settings", "custom_tools", i, "url")
		case slices.Contains(builtinTools, ct.Name):
			add("clashes with a built-in tool name", "tools_settings", "custom_tools", i, "name")
		case seen[ct.Name]:
			add("duplicate custom tool name", "tools_settings", "custom_tools", i, "name")
		}
		seen[ct.Name] = true
	}
	if fb := c.LLMFallbackProviders; fb.Enabled {
		if len(fb.Fallbacks) == 0 {
			add("at least one fallback is required when fallbacks are enabled", "llm_fallback_providers", "fallbacks")
		}
		// Without a model a fallback can only borrow the primary's, which
		// names a model of llm_provider: required, as the primary's is.
		for i, f := range fb.Fallbacks {
			if f.Provider != c.LLMProvider && (f.Model == nil || strings.TrimSpace(*f.Model) == "") {
				add("a fallback whose provider is not llm_provider needs its own model", "llm_fallback_providers", "fallbacks", i, "model")
			}
		}
	}
	if r := c.RAGSettings; r.ChunkOverlap >= r.ChunkSize {
		add("must be smaller than chunk_size", "rag_settings", "chunk_overlap")
	}
	errs = append(errs, sttCheck(c.STTSettings)...)
	errs = append(errs, sttFallbackCheck(c)...)
	if _, err := schemacheck.Compile(c.AnalysisSettings.StructuredData.Schema); err != nil {
		add(fmt.Sprintf("is not a usable JSON Schema: %v", err), "analysis_settings", "structured_data", "schema")
	}
	return errs
}
