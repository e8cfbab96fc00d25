package speechmatics

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

func word(w string, start, end float64) string {
	return fmt.Sprintf(`{"type":"word","start_time":%g,"end_time":%g,"alternatives":[{"content":%q,"confidence":0.9}]}`, start, end, w)
}

func punct(p string, at float64) string {
	return fmt.Sprintf(`{"type":"punctuation","attaches_to":"previous","is_eos":true,"start_time":%g,"end_time":%g,"alternatives":[{"content":%q,"confidence":1}]}`, at, at, p)
}

func transcript(kind string, start, end float64, results ...string) []byte {
	return fmt.Appendf(nil, `{"message":%q,"format":"2.9","metadata":{"start_time":%g,"end_time":%g,"transcript":""},"results":[%s]}`,
		kind, start, end, strings.Join(results, ","))
}

func eou(at float64) []byte {
	return fmt.Appendf(nil, `{"message":"EndOfUtterance","metadata":{"start_time":%g,"end_time":%g}}`, at, at)
}

func feed(t *testing.T, r *recognizer, msgs ...[]byte) {
	t.Helper()
	for _, m := range msgs {
		if _, err := r.Handle(m); err != nil {
			t.Fatalf("Handle(%s): %v", m, err)
		}
	}
}

func TestTranscriptsAndUtterances(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, true, true, true)
	feed(t, r,
		[]byte(`{"message":"AudioAdded","seq_no":1}`),
		transcript("AddPartialTranscript", 0, 0.5, word("Hello", 0.1, 0.5)),
		transcript("AddPartialTranscript", 0, 0.6, word("Hello", 0.1, 0.5)), // unchanged: no event
		transcript("AddTranscript", 0, 0.5, word("Hello", 0.1, 0.5)),
		transcript("AddPartialTranscript", 0.5, 1.2, word("world", 0.7, 1.2)),
		transcript("AddTranscript", 0.5, 1.3, word("world", 0.7, 1.2), punct(".", 1.2)),
		eou(1.8),
		eou(1.9), // nothing since: no event
		[]byte(`{"message":"Warning","type":"duration_limit_exceeded","reason":"x"}`),
	)
	got := stttest.Describe(rec.All())
	want := `start@100ms interim("Hello" 100ms-500ms) final("Hello" 100ms-500ms) interim("world" 700ms-1.2s) ` +
		`final("world." 700ms-1.2s) speechfinal("" 1.2s-1.2s) eot("Hello world.") `
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if ended, err := r.Handle([]byte(`{"message":"EndOfTranscript"}`)); !ended || err != nil {
		t.Fatalf("EndOfTranscript: %v %v", ended, err)
	}
}

func TestPunctuationOff(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, false, false, false)
	feed(t, r, transcript("AddTranscript", 0, 1, word("Yes", 0, 0.4), punct(",", 0.4), word("please", 0.5, 1), punct(".", 1)))
	if got := stttest.Describe(rec.All()); got != `start@0s final("Yes please" 0s-1s) ` {
		t.Fatal(got)
	}
}

func TestErrors(t *testing.T) {
	for typ, permanent := range map[string]bool{
		"not_authorised": true, "invalid_config": true, "quota_exceeded": false, "job_error": false, "idle_timeout": false,
	} {
		r := newRecognizer(func(voice.STTEvent) {}, false, true, false)
		_, err := r.Handle(fmt.Appendf(nil, `{"message":"Error","type":%q,"reason":"r"}`, typ))
		var se *sttsocket.ServerError
		if !errors.As(err, &se) || se.Permanent != permanent || se.Code != typ {
			t.Errorf("%s: %v", typ, err)
		}
	}
	r := newRecognizer(func(voice.STTEvent) {}, false, true, false)
	if _, err := r.Handle([]byte(`{"message":"AddTranscript","results":[{]}`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed: %v", err)
	}
}

// A replay repeats finals already emitted: they are dropped; the
// utterance owed an EndOfUtterance replays from its first word.
func TestReplayDropsRepeats(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, false, true, true)
	feed(t, r, transcript("AddTranscript", 0, 0.6, word("One", 0.1, 0.5)))
	r.Dropped()
	if from := r.ReplayFrom(); from != 100_000_000 {
		t.Fatalf("replay from %v", from)
	}
	r.Connect(100_000_000, 600_000_000) // the new connection starts at 0.1 s
	feed(t, r,
		transcript("AddTranscript", 0, 0.4, word("One", 0, 0.4)),
		transcript("AddTranscript", 0.4, 1, word("two", 0.5, 0.9)),
		eou(1.2),
	)
	got := stttest.Describe(rec.All())
	if want := `start@100ms final("One" 100ms-500ms) final("two" 600ms-1s) speechfinal("" 1s-1s) eot("One two") `; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
