package deepgram

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestDecoderMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`"plain"`, `"esc \" \\ \/ \b \f \n \r \t"`, `"caf\u00e9"`, `"\ud83d\ude00"`, `"\ud800"`, `"\ud800\u0041"`, `"\udc00x"`,
		`"raw é 😀"`, `""`, `null`,
	} {
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		var d decoder
		d.reset([]byte(s))
		got, err := d.str()
		if err != nil || got != want || d.end() != nil {
			t.Errorf("%s: %q %v, want %q", s, got, err, want)
		}
	}
	for _, s := range []string{`1`, `-0.5`, `1e3`, `2.5E-2`, `"3.25"`, `null`} {
		var d decoder
		d.reset([]byte(s))
		got, err := d.float()
		var want float64
		_ = json.Unmarshal(bytes.Trim([]byte(s), `"`), &want)
		if err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", s, got, err, want)
		}
	}
	for _, s := range []string{`"NaN"`, `"Inf"`, `"0x10"`, `"1_0"`, `true`, `{}`, `01`, `-`, `1.`, `.5`} {
		var d decoder
		d.reset([]byte(s))
		if _, err := d.float(); err == nil && d.end() == nil {
			t.Errorf("%s read as a number", s)
		}
	}
	for s, want := range map[string]bool{`true`: true, `false`: false, `"true"`: true, `null`: false} {
		var d decoder
		d.reset([]byte(s))
		if got, err := d.boolean(); err != nil || got != want {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	var d decoder
	d.reset([]byte(`1e999`))
	if f, err := d.float(); err != nil || !math.IsInf(f, 1) || sttsocket.Seconds(f) != sttsocket.MaxSeconds*time.Second {
		t.Errorf("huge number: %v %v", f, err)
	}
}

func TestParseV1(t *testing.T) {
	var d decoder
	var m v1Message
	if err := m.parse(&d, sampleResults); err != nil {
		t.Fatal(err)
	}
	if m.typ != msgResults || !m.isFinal || !m.speechFinal || m.fromFinalize || m.start != 2.5 || m.duration != 1.04 ||
		m.transcript != "Hello, how are you doing?" || m.confidence != 0.9921875 || len(m.words) != 5 {
		t.Fatalf("%+v", m)
	}
	if w := m.words[0]; w != (wireWord{word: "hello", punctuated: "Hello,", start: 2.56, end: 2.8, confidence: 0.99609375}) {
		t.Fatalf("%+v", w)
	}
	if err := m.parse(&d, sampleUtteranceEnd); err != nil || m.typ != msgUtteranceEnd || m.lastWordEnd != 3.54 || len(m.words) != 0 {
		t.Fatalf("%+v %v", m, err)
	}
	if err := m.parse(&d, sampleSpeechStarted); err != nil || m.typ != msgSpeechStarted || m.timestamp != 2.52 {
		t.Fatalf("%+v %v", m, err)
	}
	if err := m.parse(&d, sampleMetadata); err != nil || m.typ != msgMetadata {
		t.Fatalf("%+v %v", m, err)
	}
	// unknown fields and types are skipped; a second alternative is ignored
	if err := m.parse(&d, []byte(`{"new":{"a":[1,{"b":null}]},"type":"Fresh","channel":{"alternatives":[{"transcript":"a"},{"transcript":"b"}]}}`)); err != nil ||
		m.typ != msgUnknown || m.transcript != "a" {
		t.Fatalf("%+v %v", m, err)
	}
	for _, bad := range []string{``, `{`, `{"type":"Results"`, `{"type":"Results"}x`, `[]`, `{"is_final":"maybe"}`, `{"start":"1s"}`,
		`{"channel":{"alternatives":[{"words":[{"start":true}]}]}}`} {
		if err := m.parse(&d, []byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseFlux(t *testing.T) {
	var d decoder
	var m fluxMessage
	if err := m.parse(&d, sampleTurnInfo); err != nil {
		t.Fatal(err)
	}
	if m.typ != msgTurnInfo || m.event != eventEndOfTurn || m.windowStart != 12.08 || m.windowEnd != 14.4 ||
		m.transcript != "I'd like to book a table for two" || m.eotConfidence != 0.91 || len(m.words) != 8 || m.words[7].end != 13.9 {
		t.Fatalf("%+v", m)
	}
	if err := m.parse(&d, sampleFluxError); err != nil || m.typ != msgError || m.errCode != "INTERNAL_SERVER_ERROR" || m.description != "try again" {
		t.Fatalf("%+v %v", m, err)
	}
	if err := m.parse(&d, sampleConnected); err != nil || m.typ != msgConnected {
		t.Fatalf("%+v %v", m, err)
	}
}

// depth is the deepest nesting of brackets in b, counted naively.
func depth(b []byte) int {
	n, deepest := 0, 0
	for _, c := range b {
		switch c {
		case '{', '[':
			n++
			deepest = max(deepest, n)
		case '}', ']':
			n--
		}
	}
	return deepest
}

// FuzzDecoder checks the decoder's grammar against encoding/json: it must
// accept exactly the valid documents, and read strings the same way.
func FuzzDecoder(f *testing.F) {
	for _, s := range [][]byte{sampleResults, sampleTurnInfo, sampleUtteranceEnd, []byte(`"a\u00e9\ud83d\ude00"`), []byte(`[1,-2.5e3,true,null,{}]`)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if depth(b) >= maxDepth {
			return
		}
		var d decoder
		d.reset(b)
		ok := d.skip() == nil && d.end() == nil
		if ok != json.Valid(b) {
			t.Fatalf("%q: decoder says %v, encoding/json %v", b, ok, !ok)
		}
		var want string
		if utf8.Valid(b) && json.Unmarshal(b, &want) == nil && !bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
			d.reset(b)
			got, err := d.str()
			if err != nil || got != want {
				t.Fatalf("%q: read %q %v, want %q", b, got, err, want)
			}
		}
	})
}

// mapAll runs a message through a recognizer and checks the events' times.
func mapAll(t *testing.T, r recognizer, rec *stttest.Recorder, b []byte) {
	_, _ = r.Handle(b)
	for _, e := range rec.All() {
		switch e := e.(type) {
		case *voice.Transcript:
			if e.Start < 0 || e.End < 0 || !utf8.ValidString(e.Text) && utf8.Valid(b) {
				t.Fatalf("%q: %+v", b, e)
			}
			for _, w := range e.Words {
				if w.Start < 0 || w.End < 0 {
					t.Fatalf("%q: word %+v", b, w)
				}
			}
		case *voice.SpeechStarted:
			if e.At < 0 {
				t.Fatalf("%q: %+v", b, e)
			}
		}
	}
}

func FuzzParseV1(f *testing.F) {
	for _, s := range [][]byte{sampleResults, sampleInterim, sampleUtteranceEnd, sampleSpeechStarted, sampleMetadata,
		[]byte(`{"type":"Error","err_code":"X","err_msg":"y"}`)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec stttest.Recorder
		r := newV1(rec.Emit, true)
		r.Connect(time.Second, 2*time.Second)
		mapAll(t, r, &rec, b)
		var m v1Message
		var d decoder
		if m.parse(&d, b) == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}

func FuzzParseFlux(f *testing.F) {
	for _, s := range [][]byte{sampleTurnInfo, sampleConnected, sampleFluxError,
		[]byte(`{"type":"TurnInfo","event":"StartOfTurn","transcript":"hi","words":[{"word":"hi","confidence":0.9}]}`),
		[]byte(`{"type":"TurnInfo","event":"EagerEndOfTurn","transcript":"hi","end_of_turn_confidence":"0.6"}`)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec stttest.Recorder
		r := newFlux(rec.Emit)
		r.Connect(time.Second, 2*time.Second)
		mapAll(t, r, &rec, b)
		var m fluxMessage
		var d decoder
		if m.parse(&d, b) == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}
