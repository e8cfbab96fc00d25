package speechmatics

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/voice"
)

var sampleFinal = []byte(`{"message":"AddTranscript","format":"2.9","metadata":{"start_time":1.2,"end_time":2.4,"transcript":"How are you doing?"},` +
	`"results":[{"type":"word","start_time":1.2,"end_time":1.38,"alternatives":[{"content":"How","confidence":0.97,"language":"en","speaker":"S1"}]},` +
	`{"type":"word","start_time":1.44,"end_time":1.56,"alternatives":[{"content":"are","confidence":0.95,"language":"en","speaker":"S1"}]},` +
	`{"type":"word","start_time":1.62,"end_time":1.8,"alternatives":[{"content":"you","confidence":0.96,"language":"en","speaker":"S1"}]},` +
	`{"type":"word","start_time":1.86,"end_time":2.1,"alternatives":[{"content":"doing","confidence":0.9,"language":"en","speaker":"S1"}]},` +
	`{"type":"punctuation","attaches_to":"previous","is_eos":true,"start_time":2.1,"end_time":2.1,"alternatives":[{"content":"?","confidence":1,"language":"en","speaker":"S1"}]}]}`)

// The hand-written decoder reads what encoding/json reads.
func TestParseMatchesEncodingJSON(t *testing.T) {
	var want struct {
		Metadata struct {
			StartTime float64 `json:"start_time"`
			EndTime   float64 `json:"end_time"`
		} `json:"metadata"`
		Results []struct {
			Type         string  `json:"type"`
			StartTime    float64 `json:"start_time"`
			EndTime      float64 `json:"end_time"`
			Alternatives []struct {
				Content    string  `json:"content"`
				Confidence float64 `json:"confidence"`
			} `json:"alternatives"`
		} `json:"results"`
	}
	if err := json.Unmarshal(sampleFinal, &want); err != nil {
		t.Fatal(err)
	}
	var m message
	if err := m.parse(sampleFinal); err != nil {
		t.Fatal(err)
	}
	if m.typ != msgFinal || m.start != want.Metadata.StartTime || m.end != want.Metadata.EndTime || len(m.results) != len(want.Results) {
		t.Fatalf("%+v", m)
	}
	for i, w := range want.Results {
		g := m.results[i]
		if g.punctuation != (w.Type == "punctuation") || g.start != w.StartTime || g.end != w.EndTime ||
			string(g.content) != w.Alternatives[0].Content || g.confidence != w.Alternatives[0].Confidence {
			t.Errorf("result %d: %+v, want %+v", i, g, w)
		}
	}
}

// FuzzHandle: any message maps without panicking, and what is emitted is
// well formed.
func FuzzHandle(f *testing.F) {
	f.Add(sampleFinal)
	f.Add([]byte(`{"message":"AddPartialTranscript","metadata":{"start_time":0,"end_time":1},"results":[{"type":"word","start_time":0.2,"end_time":0.1,"alternatives":[{"content":"x"}]}]}`))
	f.Add([]byte(`{"message":"EndOfUtterance","metadata":{"start_time":2,"end_time":2}}`))
	f.Add([]byte(`{"message":"Error","type":"not_authorised","reason":"bad key"}`))
	f.Add([]byte(`{"message":"AddTranscript","results":[{"type":"punctuation","attaches_to":"previous","alternatives":[{"content":"."}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(ev voice.STTEvent) {
			if tr, ok := ev.(*voice.Transcript); ok {
				if tr.Start < 0 || tr.End < tr.Start {
					t.Fatalf("transcript times %v-%v", tr.Start, tr.End)
				}
				for _, w := range tr.Words {
					if w.Text == "" || w.Start < 0 || w.End < w.Start {
						t.Fatalf("word %+v", w)
					}
				}
			}
		}
		r := newRecognizer(check, true, true, true)
		_, _ = r.Handle(data)
		r.Connect(time.Second, 0)
		_, _ = r.Handle(data)
	})
}
