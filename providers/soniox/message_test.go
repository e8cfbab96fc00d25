package soniox

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

var (
	sampleFinal = []byte(`{"tokens":[{"text":" How","start_ms":1200,"end_ms":1380,"confidence":0.97,"is_final":true,"speaker":"1","language":"en"},` +
		`{"text":" are","start_ms":1440,"end_ms":1560,"confidence":0.95,"is_final":true},` +
		`{"text":" you","start_ms":1620,"end_ms":1800,"confidence":0.96,"is_final":true},` +
		`{"text":" do","start_ms":1860,"end_ms":1980,"confidence":0.81,"is_final":false},` +
		`{"text":"ing","start_ms":1980,"end_ms":2100,"confidence":0.77,"is_final":false}],` +
		`"final_audio_proc_ms":1800,"total_audio_proc_ms":2160}`)
	sampleEnd = []byte(`{"tokens":[{"text":" doing","start_ms":1860,"end_ms":2100,"confidence":0.9,"is_final":true},` +
		`{"text":"?","start_ms":2100,"end_ms":2120,"confidence":0.9,"is_final":true},{"text":"<end>","is_final":true}],` +
		`"final_audio_proc_ms":2640,"total_audio_proc_ms":2640}`)
)

// The hand-written decoder reads what encoding/json reads.
func TestParseMatchesEncodingJSON(t *testing.T) {
	type expected struct {
		Tokens []struct {
			Text       string  `json:"text"`
			StartMS    float64 `json:"start_ms"`
			EndMS      float64 `json:"end_ms"`
			Confidence float64 `json:"confidence"`
			IsFinal    bool    `json:"is_final"`
		} `json:"tokens"`
		FinalMS float64 `json:"final_audio_proc_ms"`
		TotalMS float64 `json:"total_audio_proc_ms"`
	}
	for _, msg := range [][]byte{sampleFinal, sampleEnd} {
		var want expected
		if err := json.Unmarshal(msg, &want); err != nil {
			t.Fatal(err)
		}
		var r response
		if err := r.parse(msg); err != nil {
			t.Fatal(err)
		}
		if len(r.tokens) != len(want.Tokens) || r.finalMS != want.FinalMS || r.totalMS != want.TotalMS {
			t.Fatalf("%+v", r)
		}
		for i, w := range want.Tokens {
			g := r.tokens[i]
			if string(g.text) != w.Text || g.startMS != w.StartMS || g.endMS != w.EndMS || g.confidence != w.Confidence || g.final != w.IsFinal {
				t.Errorf("token %d: %+v, want %+v", i, g, w)
			}
		}
	}
}

// FuzzHandle: any message maps without panicking, and what is emitted is
// well formed.
func FuzzHandle(f *testing.F) {
	f.Add(sampleFinal)
	f.Add(sampleEnd)
	f.Add([]byte(`{"error_code":503,"error_message":"Cannot continue request."}`))
	f.Add([]byte(`{"tokens":[{"text":"<fin>","is_final":true}],"finished":true}`))
	f.Add([]byte(`{"tokens":[{"text":"a\u00e9\"b","start_ms":-5,"end_ms":1e300,"is_final":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(ev voice.STTEvent) {
			if tr, ok := ev.(*voice.Transcript); ok {
				if tr.Start < 0 || tr.End < tr.Start {
					t.Fatalf("transcript times %v-%v", tr.Start, tr.End)
				}
				for _, w := range tr.Words {
					if w.Text == "" || w.Start < 0 || w.End < 0 {
						t.Fatalf("word %+v", w)
					}
				}
			}
		}
		r := newRecognizer(check, true, time.Second, true)
		_, _ = r.Handle(data)
		_, _ = r.Handle(data) // and again, as a repeat
	})
}
