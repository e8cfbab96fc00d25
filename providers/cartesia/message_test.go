package cartesia

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/internal/ptr"
)

func TestParseMessage(t *testing.T) {
	var m message
	if err := m.parse([]byte(`{"type":"chunk","data":"AAEC/w==","done":false,"status_code":206,"step_time":12.5,"context_id":"ab-1","flush_id":null}`)); err != nil {
		t.Fatal(err)
	}
	if m.kind != kindChunk || !bytes.Equal(m.audio, []byte{0, 1, 2, 255}) || string(m.contextID) != "ab-1" || m.status != 206 || m.done {
		t.Errorf("%+v", m)
	}
	if err := m.parse([]byte(`{"type":"error","context_id":"x","status_code":400,"done":true,"title":"Invalid request","message":"bad voice","error_code":"invalid_request"}`)); err != nil {
		t.Fatal(err)
	}
	err := m.err()
	var se *StatusError
	if m.kind != kindError || !errors.Is(err, ErrService) || !errors.As(err, &se) || se.StatusCode != 400 || se.Message != "invalid_request: bad voice" {
		t.Errorf("%+v: %v", m, err)
	}
	if err := m.parse([]byte(`{"type":"flush_done","flush_id":1,"context_id":"x"}`)); err != nil || m.kind != kindOther {
		t.Errorf("%+v %v", m, err)
	}
	for _, bad := range []string{``, `{"type":"chunk","data":"***"}`, `{"type":1}`, `{"word_timestamps":{"start":["x"]}}`, `{} {}`} {
		if err := m.parse([]byte(bad)); err == nil {
			t.Errorf("parse(%q) succeeded", bad)
		}
	}
}

// FuzzParseMessage checks the hand-written parser against encoding/json:
// whatever encoding/json reads as a message, parse must read the same way
// (parse may accept more).
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"chunk","data":"AAEC/w==","done":false,"status_code":206,"step_time":12.5,"context_id":"ab-1"}`,
		`{"type":"timestamps","context_id":"c","status_code":206,"done":false,"word_timestamps":{"words":["Hi","\u00e9t\u00e9"],"start":[0,0.5],"end":[0.25,1e0]}}`,
		`{"type":"done","done":true,"status_code":206,"context_id":"c"}`,
		`{"type":"error","context_id":null,"status_code":429,"done":true,"title":"T","message":"M","error_code":"E"}`,
		`{"type":"phoneme_timestamps","phoneme_timestamps":{"phonemes":["a"],"start":[0],"end":[1]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m message
		err := m.parse(data)
		want, ok := reference(data)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("parse failed where encoding/json did not: %v", err)
		}
		got := refMessage{kind: m.kind, contextID: string(m.contextID), audio: m.audio, done: m.done, status: m.status,
			starts: m.starts, ends: m.ends, title: m.title, text: m.text, code: m.code}
		for _, w := range m.words {
			got.words = append(got.words, string(w))
		}
		if !got.equal(want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	})
}

type refMessage struct {
	kind              kind
	contextID         string
	audio             []byte
	done              bool
	status            int
	words             []string
	starts, ends      []float64
	title, text, code string
}

func (a refMessage) equal(b refMessage) bool {
	return a.kind == b.kind && a.contextID == b.contextID && bytes.Equal(a.audio, b.audio) && a.done == b.done &&
		a.status == b.status && slices.Equal(a.words, b.words) && slices.Equal(a.starts, b.starts) &&
		slices.Equal(a.ends, b.ends) && a.title == b.title && a.text == b.text && a.code == b.code
}

// reference decodes data with encoding/json, keeping keys case-sensitive
// like the service; ok is false where it fails.
func reference(data []byte) (r refMessage, ok bool) {
	var top map[string]json.RawMessage
	// encoding/json replaces invalid UTF-8 where parse keeps the bytes
	if !utf8.Valid(data) || json.Unmarshal(data, &top) != nil || top == nil {
		return r, false
	}
	var typ, id, audio, title, text, code *string
	var done *bool
	var status *float64
	var ts *struct {
		Words []string  `json:"words"`
		Start []float64 `json:"start"`
		End   []float64 `json:"end"`
	}
	for _, f := range []struct {
		key string
		v   any
	}{{"type", &typ}, {"context_id", &id}, {"data", &audio}, {"title", &title}, {"message", &text}, {"error_code", &code},
		{"done", &done}, {"status_code", &status}} {
		if json.Unmarshal(orNull(top[f.key]), f.v) != nil {
			return r, false
		}
	}
	if raw := top["word_timestamps"]; raw != nil {
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			return r, false
		}
		if fields != nil {
			// keys are matched exactly, and null elements are read
			// differently by design: not comparable
			for k, v := range fields {
				if (k == "words" || k == "start" || k == "end") && bytes.Contains(v, []byte("null")) && string(v) != "null" {
					return r, false
				}
			}
			ts = &struct {
				Words []string  `json:"words"`
				Start []float64 `json:"start"`
				End   []float64 `json:"end"`
			}{}
			if json.Unmarshal(orNull(fields["words"]), &ts.Words) != nil || json.Unmarshal(orNull(fields["start"]), &ts.Start) != nil ||
				json.Unmarshal(orNull(fields["end"]), &ts.End) != nil {
				return r, false
			}
		}
	}
	if typ != nil {
		r.kind = map[string]kind{"chunk": kindChunk, "timestamps": kindTimestamps, "done": kindDone, "error": kindError}[*typ]
	}
	if audio != nil {
		b, err := base64.StdEncoding.DecodeString(*audio)
		if err != nil {
			return r, false
		}
		r.audio = b
	}
	r.contextID, r.title, r.text, r.code = ptr.Value(id), ptr.Value(title), ptr.Value(text), ptr.Value(code)
	r.done = done != nil && *done
	if status != nil {
		r.status = int(*status)
	}
	if ts != nil {
		r.words, r.starts, r.ends = ts.Words, ts.Start, ts.End
	}
	return r, true
}

func orNull(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return raw
}
