// Package famulor translates Famulor's assistant API (seed 002) to and from
// the assistant configuration: a Famulor body becomes a configuration patch
// that goes through the assistant actor like any other write, and a
// configuration reads back as Famulor's list item. Fields whose behaviour
// Switchboard has are mapped onto the settings that drive it; the others
// are refused, naming the field, unless they carry the one value that
// describes what Switchboard does.
package famulor

import (
	"fmt"
	"regexp"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/internal/phone"
)

// Op says whether a body creates an assistant or changes one.
type Op int

const (
	Create Op = iota
	Update
)

// required are the fields a create must send.
var required = []string{"name", "voice_id", "language_id", "type", "mode", "timezone", "initial_message", "system_prompt", "llm_model_id"}

// createDefaults are Famulor's documented defaults of the fields a create
// leaves out, where Switchboard runs what they describe.
var createDefaults = map[string]any{
	"llm_temperature": 0.1, "voice_stability": 0.7, "voice_similarity": 0.5, "speech_speed": 1.0,
	"allow_interruptions": true, "fillers": false, "record": false, "wait_for_customer": false,
	"max_duration": 600.0, "max_silence_duration": 40.0, "ringing_time": 30.0, "reengagement_interval": 30.0,
	"end_call_on_voicemail": true, "endpoint_type": "vad", "endpoint_sensitivity": 0.5, "interrupt_sensitivity": 0.5,
	"ambient_sound": "off", "ambient_sound_volume": 0.5, "min_interrupt_words": nil,
	"is_webhook_active": false, "send_webhook_only_on_completed": true, "include_recording_in_webhook": true,
}

// readOnly are list-item fields a client may send back; they are ignored.
var readOnly = []string{"id", "uuid", "user_id", "language", "engine_id", "synthesizer_id", "transcriber_id",
	"instance_id", "created_at", "updated_at", "deleted_at"}

// unsupported explains fields Switchboard refuses unless they carry the
// value given (nil: null or absent).
var unsupported = []struct {
	field string
	ok    any // the one accepted value
	why   string
}{
	{"multimodal_model_id", nil, "applies to multimodal and dualplex modes, which Switchboard does not run"},
	{"chat_llm_fallback_id", nil, "applies to multimodal and dualplex modes, which Switchboard does not run"},
	{"turn_detection_threshold", nil, "applies to multimodal and dualplex modes, which Switchboard does not run"},
	{"synthesizer_provider_id", nil, "the voice decides the synthesizer: leave it null"},
	{"transcriber_provider_id", nil, "Switchboard transcribes with Deepgram: leave it null"},
	{"folder_id", nil, "folders are not available"},
	{"tts_emotion_enabled", false, "emotional synthesis is not available: it can only be false"},
	{"enable_noise_cancellation", false, "noise cancellation is not available: it can only be false"},
	{"conversation_inactivity_timeout", nil, "chat conversations are not available"},
	{"conversation_ended_retrigger", false, "chat conversations are not available"},
	{"conversation_ended_webhook_url", nil, "chat conversations are not available"},
}

// emptyOnly are array fields Switchboard refuses unless empty.
var emptyOnly = []struct{ field, why string }{
	{"secondary_language_ids", "switching languages during a call is not available"},
	{"tool_ids", "mid-call tools are not available: use tools_settings.custom_tools through /api/v1"},
	{"label_ids", "labels are not available"},
}

// mapped are the fields translated onto the configuration.
var mapped = []string{"name", "voice_id", "language_id", "type", "mode", "timezone", "initial_message", "system_prompt",
	"llm_model_id", "tools", "voice_stability", "voice_similarity", "speech_speed", "llm_temperature",
	"allow_interruptions", "fillers", "filler_config", "record", "wait_for_customer", "max_duration",
	"max_silence_duration", "max_initial_silence_duration", "ringing_time", "reengagement_interval", "reengagement_prompt",
	"end_call_on_voicemail", "voice_mail_message", "endpoint_type", "endpoint_sensitivity", "interrupt_sensitivity",
	"min_interrupt_words", "ambient_sound", "ambient_sound_volume", "post_call_evaluation", "post_call_schema", "variables",
	"phone_number_id", "knowledgebase_id", "knowledgebase_mode", "status", "is_webhook_active", "webhook_url", "send_webhook_only_on_completed", "include_recording_in_webhook"}

// Known lists every field a Famulor body may carry.
func Known() []string {
	out := append(append([]string{}, mapped...), readOnly...)
	for _, u := range unsupported {
		out = append(out, u.field)
	}
	for _, e := range emptyOnly {
		out = append(out, e.field)
	}
	return out
}

// Change is what a Famulor body asks for: a configuration write and,
// perhaps, which phone number the assistant answers.
type Change struct {
	Write assistant.Write
	// SetNumber: assign the number NumberID to the assistant, or with
	// NumberID nil unassign its numbers.
	SetNumber bool
	NumberID  *int64
	// KnowledgeBaseID is the knowledge base the body attaches, which must
	// be the organization's.
	KnowledgeBaseID *int64
}

// Translate turns a Famulor create or update body into a change. current
// is the configuration the update applies to (the voicemail detection it
// keeps); nil for a create. Problems are reported by Famulor field.
func Translate(doc assistant.Document, op Op, current *assistant.Config) (Change, []jsonobj.Problem) {
	var errs jsonobj.Problems
	if op == Create {
		doc = jsonobj.WithDefaults(doc, createDefaults)
	}
	o := jsonobj.Read(doc, &errs)
	o.Unknown(Known()...)
	for _, k := range required {
		switch {
		case op == Create && (!o.Has(k) || o.Null(k)):
			o.Fail(k, "is required")
		case o.Null(k) && k != "initial_message" && k != "system_prompt":
			o.Fail(k, "cannot be cleared")
		}
	}
	for _, u := range unsupported {
		if v := o.Raw(u.field); v != nil && !sameBool(v, u.ok) {
			o.Fail(u.field, "is not supported: %s", u.why)
		}
	}
	for _, e := range emptyOnly {
		if a, ok := o.Array(e.field, 1000); ok && len(a) > 0 {
			o.Fail(e.field, "is not supported: %s", e.why)
		}
	}
	p := jsonobj.Patch{}
	w := assistant.Write{Fields: assistant.Document(p)}
	t := translator{o: o, p: p, current: current}
	t.core()
	t.voice()
	t.behaviour()
	t.timing()
	t.turnTaking()
	t.tools()
	kb := t.knowledge()
	t.postCall(&w)
	t.webhook(op)
	if v, ok := o.Object("variables"); ok {
		t.variables(v, &w)
	}
	ch := Change{Write: w, KnowledgeBaseID: kb}
	if n, ok := o.Int("phone_number_id", 1, 1<<62); ok {
		ch.SetNumber, ch.NumberID = true, n
	}
	return ch, errs.List
}

// Serialised is the write that translates doc again on the configuration
// it applies to, inside the assistant's actor (see assistant.Write); its
// problems are a *jsonobj.Problems.
func Serialised(doc assistant.Document, op Op) assistant.Write {
	return assistant.Write{Translate: func(current *assistant.Config) (assistant.Write, error) {
		ch, problems := Translate(doc, op, current)
		if len(problems) > 0 {
			return assistant.Write{}, &jsonobj.Problems{List: problems}
		}
		return ch.Write, nil
	}, View: &assistant.ViewWrite{View: View, Op: int(op), Body: doc}}
}

// View names Famulor's writes as they cross nodes.
const View = "famulor"

// Rebuilt is the write w describes, built again where it is sent.
func Rebuilt(w assistant.ViewWrite) (assistant.Write, error) {
	if op := Op(w.Op); op == Create || op == Update {
		return Serialised(w.Body, op), nil
	}
	return assistant.Write{}, fmt.Errorf("famulor: no operation %d", w.Op)
}

type translator struct {
	o       jsonobj.Object
	p       jsonobj.Patch
	current *assistant.Config
}

// str maps a string field onto path; null resets it there.
func (t translator) str(k string, min, max int, path ...string) {
	if s, ok := t.o.String(k, min, max); ok {
		if s == nil {
			t.p.Set(nil, path...)
		} else {
			t.p.Set(*s, path...)
		}
	}
}

// num maps a number field in [min, max] onto path.
func (t translator) num(k string, min, max float64, path ...string) {
	if f, ok := t.o.Number(k, min, max); ok {
		if f == nil {
			t.p.Set(nil, path...)
		} else {
			t.p.Set(jsonobj.Num(*f), path...)
		}
	}
}

// integer maps an integer field in [min, max] onto path.
func (t translator) integer(k string, min, max int64, path ...string) {
	if n, ok := t.o.Int(k, min, max); ok {
		if n == nil {
			t.p.Set(nil, path...)
		} else {
			t.p.Set(jsonobj.Int(*n), path...)
		}
	}
}

// boolean maps a boolean field onto path; null is refused.
func (t translator) boolean(k string, path ...string) {
	if b, ok := t.o.Bool(k); ok {
		if b == nil {
			t.o.Fail(k, "must be true or false")
			return
		}
		t.p.Set(*b, path...)
	}
}

func (t translator) core() {
	o := t.o
	if s, ok := o.String("name", 1, 255); ok {
		if s == nil {
			o.Fail("name", "must be a string")
		} else {
			t.p.Set(*s, "name")
		}
	}
	t.str("initial_message", 0, 200, "llm_settings", "welcome_message")
	if s, ok := o.String("system_prompt", 0, 100000); ok {
		t.p.Set(deref(s), "llm_settings", "system_prompt")
	}
	if s, ok := o.Enum("status", "active", "inactive"); ok && s != nil {
		t.p.Set(*s == "active", "is_active")
	}
	if s, ok := o.Enum("type", "inbound", "outbound"); ok && s != nil {
		t.p.Set(*s, "call_flow_settings", "direction")
	}
	if _, ok := o.Enum("mode", "pipeline", "multimodal", "dualplex"); ok && o.Raw("mode") != nil && o.Raw("mode") != "pipeline" {
		o.Fail("mode", "is not supported: Switchboard runs the pipeline mode only")
	}
	if s, ok := o.String("timezone", 1, 64); ok {
		if s == nil {
			t.p.Set(nil, "call_flow_settings", "timezone")
		} else {
			t.p.Set(*s, "call_flow_settings", "timezone") // checked as an IANA zone by the configuration
		}
	}
	if n, ok := o.Int("llm_model_id", 1, 1<<31); ok && n != nil {
		if m, found := modelByID(*n); found {
			t.p.Set(m.provider, "llm_provider")
			t.p.Set(m.Code, "llm_provider_config", "model")
		} else {
			o.Fail("llm_model_id", "is not a model of GET /api/user/assistants/models")
		}
	}
	if n, ok := o.Int("language_id", 1, 1<<31); ok && n != nil {
		if l, found := languageByID(*n); found {
			t.p.Set(l.code, "stt_settings", "language")
		} else {
			o.Fail("language_id", "is not a language of GET /api/user/assistants/languages")
		}
	}
}

func (t translator) voice() {
	o := t.o
	if n, ok := o.Int("voice_id", 1, 1<<31); ok && n != nil {
		v, found := voiceByID(*n)
		if !found {
			o.Fail("voice_id", "is not a voice of GET /api/user/assistants/voices")
		} else {
			p, _ := synthesizerByID(v.SynthesizerProviderID)
			t.p.Set(p.Code, "tts_settings", "provider")
			t.p.Set(v.voice, "tts_settings", "voice_id")
		}
	}
	t.num("voice_stability", 0, 1, "tts_settings", "stability")
	t.num("voice_similarity", 0, 1, "tts_settings", "similarity_boost")
	t.num("speech_speed", 0.7, 1.2, "tts_settings", "speed")
	t.num("llm_temperature", 0, 1, "llm_settings", "temperature")
	if s, ok := o.Enum("ambient_sound", ambientSounds...); ok {
		if s == nil || *s == "off" {
			t.p.Set(false, "tts_settings", "background_sound", "enabled")
		} else {
			t.p.Set(true, "tts_settings", "background_sound", "enabled")
			t.p.Set(*s, "tts_settings", "background_sound", "storage_key")
		}
	}
	t.num("ambient_sound_volume", 0, 1, "tts_settings", "background_sound", "volume")
}

// ambientSounds are Famulor's; each but off is one of the built-in sounds.
var ambientSounds = []string{"off", "office", "city", "forest", "crowded_room", "cafe", "nature"}

func (t translator) behaviour() {
	o := t.o
	t.boolean("allow_interruptions", "interruption_settings", "allow_interruptions")
	t.boolean("fillers", "filler_settings", "enabled")
	if fc, ok := o.Object("filler_config"); ok {
		// replaces the phrases: a category left out has none of its own
		for _, cat := range []string{"positive", "negative", "question", "neutral"} {
			list := []string{}
			if !fc.IsNull() {
				if l, ok := fc.Strings(cat, 20, 1, 100); ok && l != nil {
					list = l
				}
			}
			t.p.Set(jsonobj.Strs(list), "filler_settings", cat)
		}
		if !fc.IsNull() {
			fc.Unknown("positive", "negative", "question", "neutral")
		}
	}
	t.boolean("record", "recording_settings", "enabled")
	t.boolean("wait_for_customer", "call_flow_settings", "wait_for_caller")
	if b, ok := o.Bool("end_call_on_voicemail"); ok {
		switch {
		case b == nil:
			o.Fail("end_call_on_voicemail", "must be true or false")
		case !*b:
			t.p.Set("off", "voicemail_settings", "detection")
		case t.current == nil || t.current.VoicemailSettings.Detection == "off":
			t.p.Set("outbound", "voicemail_settings", "detection")
		}
	}
	t.str("voice_mail_message", 0, 1000, "voicemail_settings", "message")
}

func (t translator) timing() {
	t.integer("max_duration", 20, 1200, "max_call_length")
	t.integer("max_silence_duration", 1, 360, "idle_timeout")
	t.integer("max_initial_silence_duration", 1, 120, "silence_settings", "initial_timeout_seconds")
	t.integer("ringing_time", 1, 60, "call_flow_settings", "ringing_timeout_seconds")
	t.integer("reengagement_interval", 7, 600, "silence_settings", "interval_seconds")
	t.str("reengagement_prompt", 0, 1000, "silence_settings", "reengagement_prompt")
}

// The 0–5 sensitivities map linearly onto the settings that decide the
// same thing (README, Famulor): endpoint_sensitivity s waits 3 − 0.5·s
// seconds after the caller's last word before their turn ends;
// interrupt_sensitivity s lets speech interrupt a reply once it has played
// (5 − s)·0.2 seconds.
const (
	endpointBase, endpointStep   = 3.0, 0.5
	interruptBase, interruptStep = 5.0, 0.2
)

func (t translator) turnTaking() {
	o := t.o
	// null resets each to the engine's default
	if s, ok := o.Enum("endpoint_type", "vad", "ai"); ok {
		if s == nil {
			t.p.Set(nil, "stt_settings", "incomplete_utterance_detection")
		} else {
			t.p.Set(*s == "ai", "stt_settings", "incomplete_utterance_detection")
		}
	}
	if f, ok := o.Number("endpoint_sensitivity", 0, 5); ok {
		if f == nil {
			t.p.Set(nil, "stt_settings", "utterance_timeout_seconds")
		} else {
			t.p.Set(jsonobj.Num(round(endpointBase-endpointStep**f)), "stt_settings", "utterance_timeout_seconds")
		}
	}
	if f, ok := o.Number("interrupt_sensitivity", 0, 5); ok {
		if f == nil {
			t.p.Set(nil, "interruption_settings", "min_speaking_time")
		} else {
			t.p.Set(jsonobj.Num(round((interruptBase-*f)*interruptStep)), "interruption_settings", "min_speaking_time")
		}
	}
	// min_interrupt_words: the caller's words that interrupt a reply; null
	// and 0 mean no minimum, which is one word.
	if n, ok := o.Int("min_interrupt_words", 0, 10); ok {
		words := int64(1)
		if n != nil && *n > 1 {
			words = *n
		}
		t.p.Set(jsonobj.Int(words), "interruption_settings", "interruption_threshold")
	}
}

// postCall maps post-call evaluation onto structured data extraction: the
// schema's fields become a JSON Schema object's properties.
// webhook maps the post-call webhook's settings. An assistant created, or
// given webhook settings, through this view sends Famulor's payload.
func (t translator) webhook(op Op) {
	o, sent := t.o, op == Create
	active := t.current != nil && t.current.WebhookSettings.Enabled && t.current.WebhookURL != nil
	url := t.current != nil && t.current.WebhookURL != nil
	if b, ok := o.Bool("is_webhook_active"); ok {
		if b == nil {
			o.Fail("is_webhook_active", "must be true or false")
			return
		}
		sent, active = true, *b
		t.p.Set(*b, "webhook_settings", "enabled")
	}
	if u, ok := o.String("webhook_url", 1, 2000); ok {
		sent, url = true, u != nil
		if u == nil {
			t.p.Set(nil, "webhook_url")
		} else {
			t.p.Set(*u, "webhook_url")
		}
	}
	if b, ok := o.Bool("send_webhook_only_on_completed"); ok {
		if b == nil {
			o.Fail("send_webhook_only_on_completed", "must be true or false")
			return
		}
		sent = true
		reports := "all"
		if *b {
			reports = "completed"
		}
		t.p.Set(reports, "webhook_settings", "reports")
	}
	if b, ok := o.Bool("include_recording_in_webhook"); ok {
		if b == nil {
			o.Fail("include_recording_in_webhook", "must be true or false")
			return
		}
		sent = true
		t.p.Set(*b, "webhook_settings", "include_recording")
	}
	if !sent {
		return
	}
	if active && !url {
		o.Fail("webhook_url", "is required when is_webhook_active is true")
	}
	t.p.Set("famulor", "webhook_settings", "format")
	t.p.Set(nil, "webhook_settings", "events")
}

func (t translator) postCall(w *assistant.Write) {
	o := t.o
	// Famulor's evaluation extracts the schema's variables, whether the
	// call reached its goal ("status") and its summary
	t.boolean("post_call_evaluation", "analysis_settings", "structured_data", "enabled")
	t.boolean("post_call_evaluation", "analysis_settings", "evaluation", "enabled")
	list, ok := o.Array("post_call_schema", 50)
	if !ok {
		return
	}
	props := map[string]any{}
	for i, el := range list {
		f, ok := o.Element("post_call_schema", i, el)
		if !ok {
			continue
		}
		f.Unknown("name", "type", "description")
		name, okName := f.String("name", 3, 16)
		typ, okType := f.Enum("type", "string", "number", "bool")
		desc, okDesc := f.String("description", 3, 255)
		for k, v := range map[string]bool{"name": okName && name != nil, "type": okType && typ != nil, "description": okDesc && desc != nil} {
			if !v && (!f.Has(k) || f.Raw(k) == nil) {
				f.Fail(k, "is required")
			}
		}
		if name == nil || typ == nil || desc == nil {
			continue
		}
		if !schemaName.MatchString(*name) {
			f.Fail("name", "may only hold lowercase letters, digits and underscores")
			continue
		}
		if _, dup := props[*name]; dup {
			f.Fail("name", "is given twice")
			continue
		}
		props[*name] = map[string]any{"type": jsonType[*typ], "description": *desc}
	}
	t.p.Set(map[string]any{"type": "object", "properties": props}, "analysis_settings", "structured_data", "schema")
	w.Replace = append(w.Replace, []string{"analysis_settings", "structured_data", "schema"})
}

var schemaName = regexp.MustCompile(`^[a-z0-9_]{3,16}$`)

// jsonType is the JSON Schema type of each Famulor variable type.
var jsonType = map[string]string{"string": "string", "number": "number", "bool": "boolean"}

func (t translator) variables(v jsonobj.Object, w *assistant.Write) {
	vars := map[string]any{}
	if !v.IsNull() {
		for _, k := range v.Keys() {
			if s, ok := v.String(k, 0, 1000); ok {
				if s == nil {
					v.Fail(k, "must be a string")
					continue
				}
				vars[k] = *s
			}
		}
	}
	t.p.Set(vars, "variables") // names are checked by the configuration
	w.Replace = append(w.Replace, []string{"variables"})
}

// tools replaces the built-in tools: each Famulor tool enables the engine's
// tool that does the same; the ones not sent are disabled.
func (t translator) tools() {
	list, ok := t.o.Array("tools", 20)
	if !ok {
		return
	}
	endCall := map[string]any{"enabled": false}
	transfer := map[string]any{"enabled": false}
	dtmf := map[string]any{"enabled": false}
	keypad := map[string]any{"enabled": false}
	targets := []any{}
	seen := map[string]bool{}
	for i, el := range list {
		tool, ok := t.o.Element("tools", i, el)
		if !ok {
			continue
		}
		typ, ok := tool.Enum("type", "end_call", "call_transfer", "dtmf_input", "collect_keypad", "assistant_transfer",
			"warm_call_transfer", "calendar_integration")
		if !ok || typ == nil {
			if ok {
				tool.Fail("type", "is required")
			}
			continue
		}
		if seen[*typ] && *typ != "assistant_transfer" {
			tool.Fail("type", "is given twice")
			continue
		}
		seen[*typ] = true
		switch *typ {
		case "end_call":
			tool.Unknown("type", "description")
			endCall = map[string]any{"enabled": true, "scenarios": scenarios(tool)}
		case "dtmf_input":
			tool.Unknown("type", "description")
			dtmf = map[string]any{"enabled": true, "scenarios": scenarios(tool)}
		case "call_transfer":
			transfer = callTransfer(tool)
		case "collect_keypad":
			tool.Unknown("type", "timeout", "stop_key")
			keypad = map[string]any{"enabled": true, "timeout_seconds": jsonobj.Int(5), "stop_key": "#"}
			if n, ok := tool.Int("timeout", 1, 30); ok && n != nil {
				keypad["timeout_seconds"] = jsonobj.Int(*n)
			}
			if s, ok := tool.Enum("stop_key", "#", "*"); ok && s != nil {
				keypad["stop_key"] = *s
			}
		case "assistant_transfer":
			targets = append(targets, assistantTransfer(tool))
		default:
			tool.Fail("type", "is not supported: %s is not available", *typ)
		}
	}
	ts := []string{"tools_settings"}
	t.p.Set(endCall, append(ts, "end_call")...)
	t.p.Set(transfer, append(ts, "transfer_call")...)
	t.p.Set(dtmf, append(ts, "dtmf_solver")...)
	t.p.Set(keypad, append(ts, "collect_keypad")...)
	t.p.Set(map[string]any{"enabled": len(targets) > 0, "targets": targets}, append(ts, "assistant_transfer")...)
}

// scenarios is a tool's description as the engine's scenarios.
func scenarios(tool jsonobj.Object) []any {
	if s, ok := tool.String("description", 0, 500); ok && s != nil && *s != "" {
		return []any{*s}
	}
	return []any{}
}

func callTransfer(tool jsonobj.Object) map[string]any {
	tool.Unknown("type", "phone_number", "description", "custom", "timezone", "warm_transfer", "warm_transfer_message")
	out := map[string]any{"enabled": true, "scenarios": scenarios(tool), "transfer_type": "cold"}
	if s, ok := tool.String("phone_number", 1, 32); ok {
		switch {
		case s == nil:
			tool.Fail("phone_number", "is required")
		case !phone.IsE164(*s):
			tool.Fail("phone_number", "must be an E.164 number (+ and up to 15 digits)")
		default:
			out["transfer_numbers"] = []any{*s}
		}
	} else if !tool.Has("phone_number") {
		tool.Fail("phone_number", "is required")
	}
	if b, ok := tool.Bool("warm_transfer"); ok && b != nil && *b {
		out["transfer_type"] = "warm"
	}
	if b, ok := tool.Bool("custom"); ok && b != nil && *b {
		tool.Fail("custom", "is not supported: the number is always phone_number")
	}
	for _, k := range []string{"timezone", "warm_transfer_message"} {
		if tool.Has(k) && tool.Raw(k) != nil {
			tool.Fail(k, "is not supported")
		}
	}
	return out
}

func assistantTransfer(tool jsonobj.Object) map[string]any {
	tool.Unknown("type", "assistant_id", "description", "message_before_transfer", "speak_transfer_greeting")
	out := map[string]any{"speak_greeting": true}
	if n, ok := tool.Int("assistant_id", 1, 1<<62); ok && n != nil {
		out["assistant_id"] = jsonobj.Int(*n)
	} else if !tool.Has("assistant_id") || tool.Null("assistant_id") {
		tool.Fail("assistant_id", "is required")
	}
	if s, ok := tool.String("description", 0, 500); ok && s != nil {
		out["description"] = *s
	}
	if s, ok := tool.String("message_before_transfer", 0, 500); ok && s != nil {
		out["message"] = *s
	}
	if b, ok := tool.Bool("speak_transfer_greeting"); ok && b != nil {
		out["speak_greeting"] = *b
	}
	return out
}

// sameBool reports whether v is the boolean want.
func sameBool(v, want any) bool {
	b, ok := v.(bool)
	return ok && want != nil && b == want.(bool)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func round(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// knowledge attaches a knowledge base (rag_settings.knowledge_base_id,
// searched instead of the assistant's own documents) and says how calls
// use it: function_call offers the searchKnowledgeBase tool, prompt
// injects the excerpts found before each reply. null detaches it and
// turns retrieval off. It returns the base attached, if any.
func (t translator) knowledge() *int64 {
	o := t.o
	id, idSent := o.Int("knowledgebase_id", 1, 1<<62)
	mode, modeSent := o.Enum("knowledgebase_mode", "function_call", "prompt")
	attached := t.current != nil && t.current.RAGSettings.Enabled && t.current.RAGSettings.KnowledgeBaseID != nil
	if idSent {
		attached = id != nil
		t.p.Set(attached, "rag_settings", "enabled")
		if id == nil {
			t.p.Set(nil, "rag_settings", "knowledge_base_id")
		} else {
			t.p.Set(jsonobj.Int(*id), "rag_settings", "knowledge_base_id")
		}
	}
	switch {
	case modeSent && mode != nil && !attached:
		o.Fail("knowledgebase_mode", "needs a knowledgebase_id")
	case modeSent:
		t.p.Set(mode != nil && *mode == "prompt", "rag_settings", "rag_inject_before_llm")
	case idSent && id != nil && (t.current == nil || !t.current.RAGSettings.Enabled):
		t.p.Set(false, "rag_settings", "rag_inject_before_llm") // Famulor's default: function_call
	}
	if idSent {
		return id
	}
	return nil
}
