// Package voicedock translates VoiceDock's (HMS Sovereign's) assistant API
// (seed 003) to and from the assistant configuration: a VoiceDock body
// becomes a configuration patch that goes through the assistant actor like
// any other write, and a configuration reads back as VoiceDock's assistant.
// Fields whose behaviour Switchboard has are mapped onto the settings that
// drive it; the others are refused, naming the field, unless they carry the
// one value that describes what Switchboard does.
package voicedock

import (
	"math"
	"regexp"
	"slices"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
)

// Translate turns a VoiceDock create (current nil) or PATCH body into a
// configuration write. Nested objects merge: only the fields sent change.
func Translate(doc assistant.Document, current *assistant.Config) (assistant.Write, []jsonobj.Problem) {
	var errs jsonobj.Problems
	if current == nil {
		doc = jsonobj.WithDefaults(doc, createDefaults)
	}
	o := jsonobj.Read(doc, &errs)
	o.Unknown(topLevel...)
	if current == nil && (!o.Has("name") || o.Null("name")) {
		o.Fail("name", "is required")
	}
	p := jsonobj.Patch{}
	w := assistant.Write{Fields: assistant.Document(p)}
	t := translator{p: p, current: current, w: &w}
	t.top(o)
	if s, ok := o.Object("stt_config"); ok {
		t.stt(s)
	}
	if l, ok := o.Object("llm_config"); ok {
		t.llm(l)
	}
	if s, ok := o.Object("tts_config"); ok {
		t.tts(s)
	}
	if a, ok := o.Object("analysis_plan"); ok {
		t.analysis(a)
	}
	t.speech(o)
	return w, errs.List
}

// createDefaults are VoiceDock's documented defaults of the fields a create
// leaves out, where Switchboard runs what they describe (its model, gpt-5.4,
// is not one: the configuration's default model stays).
var createDefaults = map[string]any{
	"stt_config": map[string]any{"model": "nova-3"},
	"llm_config": map[string]any{"temperature": 0.7},
	"tts_config": map[string]any{"model": "eleven_flash_v2_5"},
	"speech_config": map[string]any{
		"turn_taking": map[string]any{"endpointing_min_delay": 0.4, "endpointing_max_delay": 2.0,
			"interruption_min_words": 0.0, "false_interruption_timeout": 1.5},
		"background_audio": map[string]any{"volume": 0.3},
	},
}

// Serialised is the write that translates doc again on the configuration
// it applies to, inside the assistant's actor (see assistant.Write); its
// problems are a *jsonobj.Problems.
func Serialised(doc assistant.Document) assistant.Write {
	return assistant.Write{Translate: func(current *assistant.Config) (assistant.Write, error) {
		w, problems := Translate(doc, current)
		if len(problems) > 0 {
			return assistant.Write{}, &jsonobj.Problems{List: problems}
		}
		return w, nil
	}, View: &assistant.ViewWrite{View: View, Body: doc}}
}

// View names VoiceDock's writes as they cross nodes.
const View = "voicedock"

// Rebuilt is the write w describes, built again where it is sent.
func Rebuilt(w assistant.ViewWrite) assistant.Write { return Serialised(w.Body) }

var topLevel = []string{"id", "created_at", "updated_at", "name", "business_name", "notification_email", "notification_emails",
	"recording_consent", "first_message", "is_active", "max_duration_seconds", "autonomous_silence_handling",
	"silence_timeout_seconds", "voicemail_detection", "voicemail_message", "gdpr_mode", "webhook_url", "webhook_secret",
	"webhook_events", "analysis_plan", "stt_config", "llm_config", "tts_config", "speech_config"}

type translator struct {
	p       jsonobj.Patch
	current *assistant.Config
	w       *assistant.Write
}

// refuse reports each of fields sent with a value other than null or the
// one accepted (ok), for why.
func refuse(o jsonobj.Object, ok any, why string, fields ...string) {
	for _, k := range fields {
		v := o.Raw(k)
		if v == nil {
			continue
		}
		if b, isBool := v.(bool); isBool && ok != nil && b == ok.(bool) {
			continue
		}
		o.Fail(k, "is not supported: %s", why)
	}
}

// notNull refuses a null for fields that must have a value.
func notNull(o jsonobj.Object, fields ...string) {
	for _, k := range fields {
		if o.Null(k) {
			o.Fail(k, "must not be null")
		}
	}
}

func (t translator) str(o jsonobj.Object, k string, min, max int, path ...string) {
	if s, ok := o.String(k, min, max); ok {
		if s == nil {
			t.p.Set(nil, path...)
		} else {
			t.p.Set(*s, path...)
		}
	}
}

func (t translator) num(o jsonobj.Object, k string, min, max float64, path ...string) {
	if f, ok := o.Number(k, min, max); ok {
		if f == nil {
			o.Fail(k, "must be a number")
			return
		}
		t.p.Set(jsonobj.Num(*f), path...)
	}
}

func (t translator) integer(o jsonobj.Object, k string, min, max int64, path ...string) {
	if n, ok := o.Int(k, min, max); ok {
		if n == nil {
			t.p.Set(nil, path...)
		} else {
			t.p.Set(jsonobj.Int(*n), path...)
		}
	}
}

func (t translator) boolean(o jsonobj.Object, k string, path ...string) {
	if b, ok := o.Bool(k); ok {
		if b == nil {
			o.Fail(k, "must be true or false")
			return
		}
		t.p.Set(*b, path...)
	}
}

func (t translator) top(o jsonobj.Object) {
	if s, ok := o.String("name", 1, 255); ok {
		if s == nil {
			o.Fail("name", "must be a string")
		} else {
			t.p.Set(*s, "name")
		}
	}
	// business_name is the {{business_name}} variable of prompts and messages.
	if s, ok := o.String("business_name", 0, 1000); ok {
		if s == nil {
			t.p.Set(map[string]any{"business_name": nil}, "variables")
		} else {
			t.p.Set(map[string]any{"business_name": *s}, "variables")
		}
	}
	refuse(o, nil, "end-of-call reports are not sent by email", "notification_email", "notification_emails")
	t.webhooks(o)
	t.str(o, "first_message", 0, 2000, "llm_settings", "welcome_message")
	t.boolean(o, "is_active", "is_active")
	t.integer(o, "max_duration_seconds", 10, 43200, "max_call_length")
	t.integer(o, "silence_timeout_seconds", 1, 3600, "silence_settings", "max_silence_seconds")
	t.boolean(o, "gdpr_mode", "privacy_settings", "gdpr_mode")
	if b, ok := o.Bool("voicemail_detection"); ok {
		switch {
		case b == nil || !*b:
			t.p.Set("off", "voicemail_settings", "detection")
		case t.current == nil || t.current.VoicemailSettings.Detection == "off":
			t.p.Set("outbound", "voicemail_settings", "detection")
		}
	}
	t.str(o, "voicemail_message", 0, 1000, "voicemail_settings", "message")
	if rc, ok := o.Object("recording_consent"); ok {
		if rc.IsNull() {
			t.p.Set(false, "recording_settings", "consent_required")
			t.p.Set(nil, "recording_settings", "consent_message")
		} else {
			rc.Unknown("enabled", "message")
			for _, k := range []string{"enabled", "message"} {
				if !rc.Has(k) || rc.Null(k) {
					rc.Fail(k, "is required")
				}
			}
			t.boolean(rc, "enabled", "recording_settings", "consent_required")
			t.str(rc, "message", 1, 1000, "recording_settings", "consent_message")
		}
	}
}

// webhookEvents are the webhook_events Switchboard sends; the others
// VoiceDock lists are refused.
var webhookEvents = []string{"assistant-request", "tool-calls", "status-update", "end-of-call-report"}

// webhooks maps webhook_url, webhook_secret and webhook_events. An
// assistant created, or given webhook settings, through this view sends
// VoiceDock's webhooks.
func (t translator) webhooks(o jsonobj.Object) {
	sent := t.current == nil
	if u, ok := o.String("webhook_url", 1, 2000); ok {
		sent = true
		if u == nil {
			t.p.Set(nil, "webhook_url")
		} else {
			t.p.Set(*u, "webhook_url")
		}
	}
	if s, ok := o.String("webhook_secret", 1, 4096); ok {
		sent = true
		if s == nil {
			t.p.Set(nil, "webhook_settings", "secret")
		} else {
			t.p.Set(*s, "webhook_settings", "secret") // the mask keeps the stored secret
		}
	}
	if list, ok := o.Strings("webhook_events", 4, 1, 50); ok {
		sent = true
		if o.Null("webhook_events") {
			t.p.Set(nil, "webhook_settings", "events")
		} else {
			for i, e := range list {
				switch {
				case !slices.Contains(webhookEvents, e):
					o.Fail("webhook_events", "item %d must be one of assistant-request, tool-calls, status-update, end-of-call-report", i)
				}
			}
			t.p.Set(jsonobj.Strs(list), "webhook_settings", "events")
		}
	}
	if sent {
		t.p.Set("voicedock", "webhook_settings", "format")
		t.p.Set(true, "webhook_settings", "enabled")
	}
}

// sttLanguages are VoiceDock's languages whose recogniser code differs.
var sttLanguages = map[string]string{"en": "en-US", "nl": "nl-NL", "de": "de-DE", "fr": "fr-FR", "es": "es-ES",
	"it": "it-IT", "pt": "pt-PT", "pl": "pl-PL"}

var languages = []string{"multi", "nl", "en", "de", "fr", "es", "it", "pt", "pl", "ru", "ja", "ko", "zh", "ar", "hi", "da",
	"sv", "no", "fi", "cs", "hu", "ro", "bg", "hr", "sk", "tr", "id", "vi"}

func (t translator) stt(s jsonobj.Object) {
	if s.IsNull() {
		s.Fail("", "must be an object")
		return
	}
	s.Unknown("provider", "model", "language", "keyterms", "smart_format", "endpointing", "utterance_end_ms", "numerals",
		"filler_words", "no_delay", "tag_audio_events", "include_timestamps", "sample_rate", "languages", "code_switching",
		"region", "custom_vocabulary", "translation_enabled", "translation_target_languages")
	notNull(s, "provider", "language", "model")
	if p, ok := s.Enum("provider", "deepgram", "elevenlabs", "gladia", "mistral", "google"); ok && p != nil && *p != "deepgram" {
		s.Fail("provider", "is not supported: Switchboard transcribes with deepgram")
	}
	t.str(s, "model", 1, 100, "stt_settings", "model")
	if l, ok := s.Enum("language", languages...); ok && l != nil {
		code := *l
		if c, mapped := sttLanguages[code]; mapped {
			code = c
		}
		t.p.Set(code, "stt_settings", "language")
	}
	if k, ok := s.Strings("keyterms", 100, 1, 100); ok {
		if k == nil {
			k = []string{}
		}
		t.p.Set(jsonobj.Strs(k), "stt_settings", "keyterms")
	}
	t.boolean(s, "smart_format", "stt_settings", "smart_format")
	t.integer(s, "endpointing", 0, 5000, "stt_settings", "endpointing", "silence_threshold")
	t.integer(s, "utterance_end_ms", 1000, 5000, "stt_settings", "utterance_end_ms")
	refuse(s, false, "Switchboard does not ask Deepgram for it", "numerals", "filler_words", "no_delay")
	refuse(s, false, "applies to a recogniser Switchboard does not run", "tag_audio_events", "include_timestamps",
		"code_switching", "translation_enabled")
	refuse(s, nil, "applies to a recogniser Switchboard does not run", "sample_rate", "languages", "region",
		"custom_vocabulary", "translation_target_languages")
}

// mistralBase is where the mistral provider is reached (OpenAI-compatible).
const mistralBase = "https://api.mistral.ai/v1"

func (t translator) llm(l jsonobj.Object) {
	if l.IsNull() {
		l.Fail("", "must be an object")
		return
	}
	l.Unknown("provider", "model", "temperature", "max_completion_tokens", "messages", "tools", "analysis_model", "voice",
		"vertexai", "location", "max_output_tokens", "delegation", "turn_detection", "reasoning_effort", "speed",
		"transcription", "provider_tools")
	notNull(l, "provider", "model")
	if p, ok := l.Enum("provider", "openai", "xai", "mistral", "google", "google_realtime", "xai_realtime", "openai_live"); ok && p != nil {
		switch *p {
		case "openai", "xai":
			t.p.Set(*p, "llm_provider")
			t.p.Set(nil, "llm_provider_config", "base_url")
		case "google":
			t.p.Set("gemini", "llm_provider")
			t.p.Set(nil, "llm_provider_config", "base_url")
		case "mistral":
			t.p.Set("custom", "llm_provider")
			t.p.Set(mistralBase, "llm_provider_config", "base_url")
		default:
			l.Fail("provider", "is not supported: realtime speech-to-speech models are not available")
		}
	}
	refuse(l, false, "applies to realtime models, which are not available", "vertexai")
	refuse(l, nil, "applies to realtime models, which are not available", "voice", "location", "max_output_tokens",
		"delegation", "turn_detection", "reasoning_effort", "speed", "transcription", "provider_tools")
	t.str(l, "model", 1, 200, "llm_provider_config", "model")
	t.num(l, "temperature", 0, 2, "llm_settings", "temperature")
	t.integer(l, "max_completion_tokens", 1, 32768, "llm_settings", "max_tokens")
	t.str(l, "analysis_model", 1, 200, "analysis_settings", "model")
	if msgs, ok := l.Array("messages", 1); ok {
		prompt := ""
		for i, el := range msgs {
			m, ok := l.Element("messages", i, el)
			if !ok {
				continue
			}
			m.Unknown("role", "content")
			if r, ok := m.Enum("role", "system"); ok && r == nil {
				m.Fail("role", "is required (only a system message is supported)")
			}
			if c, ok := m.String("content", 0, 100000); ok && c != nil {
				prompt = *c
			}
		}
		t.p.Set(prompt, "llm_settings", "system_prompt")
	}
	if tools, ok := l.Array("tools", 50); ok {
		out := []any{}
		for i, el := range tools {
			if tool, ok := l.Element("tools", i, el); ok {
				out = append(out, customTool(tool))
			}
		}
		t.p.Set(out, "tools_settings", "custom_tools")
	}
}

var toolName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)

// customTool reads a tool in the flat form or OpenAI's nested one.
func customTool(tool jsonobj.Object) map[string]any {
	tool.Unknown("type", "function", "name", "description", "parameters", "url", "server", "async", "message", "async_response")
	def := tool
	if fn, ok := tool.Object("function"); ok && !fn.IsNull() {
		fn.Unknown("name", "description", "parameters")
		def = fn
	}
	if _, ok := tool.Enum("type", "function"); !ok && tool.Has("type") {
		return nil
	}
	out := map[string]any{}
	if n, ok := def.String("name", 1, 64); ok && n != nil {
		if toolName.MatchString(*n) {
			out["name"] = *n
		} else {
			def.Fail("name", "must start with a letter or _ and hold only letters, digits, _ and - (at most 64)")
		}
	} else if !def.Has("name") {
		def.Fail("name", "is required")
	}
	if d, ok := def.String("description", 0, 2000); ok && d != nil {
		out["description"] = *d
	}
	if p, ok := def.Object("parameters"); ok && !p.IsNull() {
		out["parameters"] = p.Map()
	}
	if u, ok := tool.String("url", 1, 2000); ok && u != nil {
		out["url"] = *u
	}
	if s, ok := tool.Object("server"); ok && !s.IsNull() {
		s.Unknown("url", "secret")
		if u, ok := s.String("url", 1, 2000); ok && u != nil {
			out["url"] = *u
		}
		refuse(s, nil, "tool requests are not signed", "secret")
	}
	refuse(tool, false, "asynchronous tools are not available", "async")
	refuse(tool, nil, "asynchronous tools are not available", "message", "async_response")
	return out
}

func (t translator) tts(s jsonobj.Object) {
	if s.IsNull() {
		s.Fail("", "is required: Switchboard has no realtime models")
		return
	}
	s.Unknown("provider", "voice_id", "model", "stability", "similarity_boost", "style", "use_speaker_boost", "speed",
		"apply_text_normalization", "apply_language_text_normalization", "language", "instructions", "speaking_rate")
	notNull(s, "provider", "voice_id")
	if p, ok := s.Enum("provider", "elevenlabs", "11labs", "inworld", "google", "xai", "voicedock"); ok && p != nil {
		if *p == "elevenlabs" || *p == "11labs" {
			t.p.Set("elevenlabs", "tts_settings", "provider")
		} else {
			s.Fail("provider", "is not supported: Switchboard's VoiceDock view speaks with elevenlabs")
		}
	}
	t.str(s, "voice_id", 1, 200, "tts_settings", "voice_id")
	t.str(s, "model", 1, 200, "tts_settings", "model_id")
	t.num(s, "stability", 0, 1, "tts_settings", "stability")
	t.num(s, "similarity_boost", 0, 1, "tts_settings", "similarity_boost")
	t.num(s, "style", 0, 1, "tts_settings", "style")
	t.boolean(s, "use_speaker_boost", "tts_settings", "use_speaker_boost")
	t.num(s, "speed", 0.5, 2, "tts_settings", "speed")
	refuse(s, false, "not sent to the synthesiser", "apply_language_text_normalization")
	refuse(s, nil, "not sent to the synthesiser", "apply_text_normalization", "language", "instructions", "speaking_rate")
}

func (t translator) analysis(a jsonobj.Object) {
	if a.IsNull() {
		t.p.Set(nil, "analysis_settings", "structured_data")
		t.p.Set(nil, "analysis_settings", "min_messages")
		return
	}
	a.Unknown("structured_data_plan", "min_messages_threshold", "template_id")
	refuse(a, nil, "analysis templates are not available", "template_id")
	t.integer(a, "min_messages_threshold", 0, 1000, "analysis_settings", "min_messages")
	plan, ok := a.Object("structured_data_plan")
	if !ok {
		return
	}
	if plan.IsNull() {
		t.p.Set(nil, "analysis_settings", "structured_data")
		return
	}
	plan.Unknown("enabled", "schema", "messages")
	t.boolean(plan, "enabled", "analysis_settings", "structured_data", "enabled")
	if s, ok := plan.Object("schema"); ok {
		// the schema is opaque: replaced whole
		if s.IsNull() {
			t.p.Set(nil, "analysis_settings", "structured_data", "schema")
		} else {
			t.p.Set(s.Map(), "analysis_settings", "structured_data", "schema")
			t.w.Replace = append(t.w.Replace, []string{"analysis_settings", "structured_data", "schema"})
		}
	}
	if msgs, ok := plan.Array("messages", 20); ok {
		out := []any{}
		for i, el := range msgs {
			m, ok := plan.Element("messages", i, el)
			if !ok {
				continue
			}
			m.Unknown("role", "content")
			r, okR := m.Enum("role", "system", "user")
			c, okC := m.String("content", 1, 20000)
			if okR && okC && r != nil && c != nil {
				out = append(out, map[string]any{"role": *r, "content": *c})
			} else if (okR && r == nil) || (okC && c == nil) {
				m.Fail("", "needs a role and a content")
			}
		}
		t.p.Set(out, "analysis_settings", "structured_data", "messages")
	}
}

func (t translator) speech(o jsonobj.Object) {
	sc, ok := o.Object("speech_config")
	if !ok || sc.IsNull() {
		t.silence(o, jsonobj.Object{})
		return
	}
	sc.Unknown("turn_taking", "pronunciation", "background_audio", "silence", "end_call_message", "first_message_outbound", "end_call_phrases")
	if tt, ok := sc.Object("turn_taking"); ok && !tt.IsNull() {
		t.turnTaking(tt)
	}
	if list, ok := sc.Array("pronunciation", 50); ok {
		out := []any{}
		for i, el := range list {
			r, ok := sc.Element("pronunciation", i, el)
			if !ok {
				continue
			}
			r.Unknown("from", "to")
			from, okF := r.String("from", 1, 64)
			to, okT := r.String("to", 0, 128)
			if okF && okT && from != nil && to != nil {
				out = append(out, map[string]any{"from": *from, "to": *to})
			} else if (okF && from == nil) || (okT && to == nil) || !r.Has("from") || !r.Has("to") {
				r.Fail("", "needs from and to")
			}
		}
		t.p.Set(out, "tts_settings", "pronunciation")
	}
	if ba, ok := sc.Object("background_audio"); ok && !ba.IsNull() {
		ba.Unknown("enabled", "clip", "volume")
		t.boolean(ba, "enabled", "tts_settings", "background_sound", "enabled")
		if c, ok := ba.Enum("clip", "office", "city", "forest", "crowded_room"); ok {
			if c == nil {
				t.p.Set(nil, "tts_settings", "background_sound", "storage_key")
			} else {
				t.p.Set(*c, "tts_settings", "background_sound", "storage_key")
			}
		}
		t.num(ba, "volume", 0.05, 1, "tts_settings", "background_sound", "volume")
	}
	silence, _ := sc.Object("silence")
	t.silence(o, silence)
	t.str(sc, "end_call_message", 0, 300, "end_call_message")
	t.str(sc, "first_message_outbound", 0, 300, "call_flow_settings", "outbound_welcome_message")
	if p, ok := sc.Strings("end_call_phrases", 5, 2, 100); ok {
		if p == nil {
			p = []string{}
		}
		t.p.Set(jsonobj.Strs(p), "call_flow_settings", "end_call_phrases")
	}
}

func (t translator) turnTaking(tt jsonobj.Object) {
	tt.Unknown("endpointing_min_delay", "endpointing_max_delay", "interruption_min_duration", "interruption_min_words", "false_interruption_timeout")
	minD, okMin := tt.Number("endpointing_min_delay", 0.1, 5)
	if okMin && minD != nil {
		t.p.Set(jsonobj.Int(int64(math.Round(*minD*1000))), "stt_settings", "endpointing", "silence_threshold")
	}
	maxD, okMax := tt.Number("endpointing_max_delay", 0.1, 5)
	if okMax && maxD != nil {
		t.p.Set(jsonobj.Num(*maxD), "stt_settings", "utterance_timeout_seconds")
	}
	lo, hi := 0.0, 0.0
	if t.current != nil {
		lo, hi = float64(t.current.STTSettings.Endpointing.SilenceThreshold)/1000, t.current.STTSettings.UtteranceTimeoutSeconds
	}
	if minD != nil {
		lo = *minD
	}
	if maxD != nil {
		hi = *maxD
	}
	if (minD != nil || maxD != nil) && hi < lo {
		tt.Fail("endpointing_max_delay", "must not be less than endpointing_min_delay")
	}
	refuse(tt, nil, "interruptions are decided by words, not by how long the caller spoke", "interruption_min_duration")
	if n, ok := tt.Int("interruption_min_words", 0, 10); ok {
		words := int64(1)
		if n != nil && *n > 1 {
			words = *n
		}
		t.p.Set(jsonobj.Int(words), "interruption_settings", "interruption_threshold")
	}
	if f, ok := tt.Number("false_interruption_timeout", 0.2, 5); ok {
		if f == nil {
			tt.Fail("false_interruption_timeout", "cannot be turned off")
		} else {
			t.p.Set(jsonobj.Int(int64(math.Round(*f*1000))), "interruption_settings", "false_interruption_timeout_ms")
		}
	}
}

// The silence ladder's defaults when autonomous silence handling is
// turned on without them.
const (
	defaultFirstCheck  = 3
	defaultInterval    = 12
	defaultMaxAttempts = 3
)

// silence maps autonomous_silence_handling and speech_config.silence onto
// the silence ladder: on means idle prompts, first after first_check_seconds.
func (t translator) silence(o, s jsonobj.Object) {
	autonomous := t.current != nil && t.current.IdleTimeout != nil
	b, sent := o.Bool("autonomous_silence_handling")
	if sent {
		if b == nil {
			o.Fail("autonomous_silence_handling", "must be true or false")
			return
		}
		if !*b {
			t.p.Set(nil, "idle_timeout")
		} else if !autonomous {
			cur := t.current
			t.p.Set(jsonobj.Int(defaultFirstCheck), "idle_timeout")
			if cur == nil || cur.SilenceSettings.IntervalSeconds == nil {
				t.p.Set(jsonobj.Int(defaultInterval), "silence_settings", "interval_seconds")
			}
			if cur == nil || cur.MaxIdleMessages == nil {
				t.p.Set(jsonobj.Int(defaultMaxAttempts), "max_idle_messages")
			}
		}
		autonomous = *b
	}
	if s.IsNull() {
		return
	}
	s.Unknown("messages", "final_message", "first_check_seconds", "interval_seconds", "max_attempts")
	if s.Has("first_check_seconds") && !autonomous {
		s.Fail("first_check_seconds", "applies only with autonomous_silence_handling")
		return
	}
	t.integer(s, "first_check_seconds", 1, 60, "idle_timeout")
	t.integer(s, "interval_seconds", 3, 120, "silence_settings", "interval_seconds")
	t.integer(s, "max_attempts", 1, 10, "max_idle_messages")
	if m, ok := s.Strings("messages", 5, 1, 300); ok {
		if m == nil {
			m = []string{}
		}
		t.p.Set(jsonobj.Strs(m), "silence_settings", "messages")
	}
	t.str(s, "final_message", 0, 300, "silence_settings", "final_message")
}
