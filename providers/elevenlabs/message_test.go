package elevenlabs

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/voice"
)

func TestParseMessage(t *testing.T) {
	var m message
	in := `{"audio":"AAEC/w==","isFinal":null,"normalizedAlignment":{"chars":["h","i"],"charStartTimesMs":[0,50],"charDurationsMs":[50,60]},` +
		`"alignment":{"chars":["H","\"",  "\u00e9"], "charStartTimesMs":[0, 40.5, 90], "charsDurationsMs":[40.5,50,70]}}`
	if err := m.parse([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.audio, []byte{0, 1, 2, 255}) || m.final {
		t.Errorf("audio %v final %v", m.audio, m.final)
	}
	chars := make([]string, len(m.align.chars))
	for i, c := range m.align.chars {
		chars[i] = string(c)
	}
	if !slices.Equal(chars, []string{"H", `"`, "é"}) || !slices.Equal(m.align.starts, []float64{0, 40.5, 90}) || !slices.Equal(m.align.durs, []float64{40.5, 50, 70}) {
		t.Errorf("alignment %q %v %v", chars, m.align.starts, m.align.durs)
	}
	// the normalized alignment stands in when the original is absent
	if err := m.parse([]byte(`{"audio":null,"isFinal":true,"alignment":null,"normalizedAlignment":{"chars":["a"],"charStartTimesMs":[1],"charDurationsMs":[2]}}`)); err != nil {
		t.Fatal(err)
	}
	if !m.final || len(m.audio) != 0 || m.align.len() != 1 || string(m.align.chars[0]) != "a" {
		t.Errorf("%+v", m)
	}
	if err := m.parse([]byte(`{"message":"No text for 180s","error":"input_timeout_exceeded","code":1008}`)); err != nil || m.errorCode != idleTimeout {
		t.Errorf("error message: %v %+v", err, m)
	}
	for _, bad := range []string{``, `[]`, `{"audio":"***"}`, `{"audio":"AA==",}`, `{"isFinal":tru}`, `{"audio":"AA=="} x`, `{"alignment":{"chars":[1]}}`} {
		if err := m.parse([]byte(bad)); err == nil {
			t.Errorf("parse(%q) succeeded", bad)
		}
	}
}

func TestAlignerAcrossChunks(t *testing.T) {
	al := func(chars string, start float64) *alignment {
		a := &alignment{}
		for i, c := range []byte(chars) {
			a.chars = append(a.chars, []byte{c})
			a.starts = append(a.starts, start+float64(i)*10)
			a.durs = append(a.durs, 10)
		}
		return a
	}
	var a aligner
	a.sent("Hello world.")
	a.sent("Again")
	// "wor" ends a chunk mid-word: held; "world." completes the text sent
	// and goes out with its own chunk
	w := a.chunk(al("Hello wor", 0), 0, nil)
	if len(w) != 1 || w[0] != (voice.Word{Text: "Hello", Start: 0, End: 50 * time.Millisecond}) {
		t.Fatalf("first chunk %+v", w)
	}
	w = a.chunk(al("ld.", 0), 100*time.Millisecond, nil)
	if len(w) != 1 || w[0] != (voice.Word{Text: "world.", Start: 60 * time.Millisecond, End: 130 * time.Millisecond}) {
		t.Fatalf("second chunk %+v", w)
	}
	w = a.chunk(al(" Aga", 0), 200*time.Millisecond, nil)
	if len(w) != 0 {
		t.Fatalf("third chunk %+v", w)
	}
	if w = a.flush(nil); len(w) != 1 || w[0].Text != "Aga" {
		t.Fatalf("flush %+v", w)
	}
}

// FuzzParseMessage checks the hand-written parser against encoding/json:
// whatever encoding/json reads as a message, parse must read the same way
// (parse may accept more).
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		`{"audio":"AAEC/w==","isFinal":null,"normalizedAlignment":{"chars":["h"],"charStartTimesMs":[0],"charDurationsMs":[50]},"alignment":null}`,
		`{"audio":null,"isFinal":true}`,
		`{"audio":"AA\/\/","alignment":{"chars":["\u00e9","\"","\\"],"charStartTimesMs":[1.5,2e1,-0],"charsDurationsMs":[1,2,3]}}`,
		`{"message":"bad","error":"quota_exceeded","code":1008}`,
		` { "isFinal" : false , "x" : [1, {"y": [true, null]}] } `,
		`{"alignment":{"chars":[],"charStartTimesMs":[],"charDurationsMs":[],"charsDurationsMs":[4]}}`,
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
		if !bytes.Equal(m.audio, want.audio) || m.final != want.final || m.errorCode != want.errorCode || m.errorText != want.errorText {
			t.Fatalf("got audio %x final %v error %q %q; want %x %v %q %q", m.audio, m.final, m.errorCode, m.errorText, want.audio, want.final, want.errorCode, want.errorText)
		}
		if want.align == nil {
			return
		}
		got := make([]string, len(m.align.chars))
		for i, c := range m.align.chars {
			got[i] = string(c)
		}
		if !slices.Equal(got, want.align.chars) || !slices.Equal(m.align.starts, want.align.starts) ||
			(want.align.durs != nil && !slices.Equal(m.align.durs, want.align.durs)) {
			t.Fatalf("alignment %q %v %v; want %+v", got, m.align.starts, m.align.durs, want.align)
		}
	})
}

type refAlignment struct {
	chars        []string
	starts, durs []float64
}

type refMessage struct {
	audio                []byte
	final                bool
	errorCode, errorText string
	align                *refAlignment // nil: not comparable
}

// reference decodes data with encoding/json, keeping keys case-sensitive
// like the service; ok is false where it fails or the input is ambiguous.
func reference(data []byte) (r refMessage, ok bool) {
	var top map[string]json.RawMessage
	// encoding/json replaces invalid UTF-8 where parse keeps the bytes
	if !utf8.Valid(data) || json.Unmarshal(data, &top) != nil || top == nil {
		return r, false
	}
	var audio *string
	var final *bool
	var code, text *string
	if json.Unmarshal(orNull(top["audio"]), &audio) != nil || json.Unmarshal(orNull(top["isFinal"]), &final) != nil ||
		json.Unmarshal(orNull(top["error"]), &code) != nil || json.Unmarshal(orNull(top["message"]), &text) != nil {
		return r, false
	}
	if audio != nil {
		b, err := base64.StdEncoding.DecodeString(*audio)
		if err != nil {
			return r, false
		}
		r.audio = b
	}
	r.final = final != nil && *final
	if code != nil {
		r.errorCode = *code
	}
	if text != nil {
		r.errorText = *text
	}
	orig, ok1 := refAlign(top["alignment"])
	norm, ok2 := refAlign(top["normalizedAlignment"])
	if !ok1 || !ok2 {
		return r, false
	}
	r.align = orig
	if orig == nil || min(len(orig.chars), len(orig.starts), len(orig.durs)) == 0 {
		r.align = norm
	}
	if r.align == nil {
		r.align = &refAlignment{}
	}
	return r, true
}

func refAlign(raw json.RawMessage) (*refAlignment, bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(orNull(raw), &fields) != nil {
		return nil, false
	}
	if fields == nil {
		return nil, true
	}
	var a refAlignment
	var d1, d2 []float64
	if json.Unmarshal(orNull(fields["chars"]), &a.chars) != nil || json.Unmarshal(orNull(fields["charStartTimesMs"]), &a.starts) != nil ||
		json.Unmarshal(orNull(fields["charDurationsMs"]), &d1) != nil || json.Unmarshal(orNull(fields["charsDurationsMs"]), &d2) != nil {
		return nil, false
	}
	// null elements and both spellings at once are read differently by
	// design; not comparable
	if bytes.Contains(fields["chars"], []byte("null")) || bytes.Contains(fields["charStartTimesMs"], []byte("null")) {
		return nil, false
	}
	switch {
	case fields["charDurationsMs"] != nil && fields["charsDurationsMs"] != nil:
		a.durs = nil
	case d1 != nil:
		a.durs = d1
	default:
		a.durs = d2
	}
	return &a, true
}

func orNull(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return raw
}
