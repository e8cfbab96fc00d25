package scribe

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

// heard returns a hearing fed frames, as the writer would.
func heard(frames ...[][]byte) *hearing {
	h := newHearing(voice.Telephony)
	var off int64
	for _, fs := range frames {
		for _, f := range fs {
			h.feed(off, f)
			off += int64(len(f))
		}
	}
	return h
}

func say(words ...string) [][]byte { return fakespeech.Speak(fakespeech.Utterance{Words: words}) }

func feed(t *testing.T, r *recognizer, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if _, err := r.Handle([]byte(m)); err != nil {
			t.Fatalf("Handle(%s): %v", m, err)
		}
	}
}

func partialMsg(text string) string {
	return fmt.Sprintf(`{"message_type":"partial_transcript","text":%q}`, text)
}

func committedMsg(text string) string {
	return fmt.Sprintf(`{"message_type":"committed_transcript","text":%q}`, text)
}

func timedWord(w string, start, end float64) string {
	return fmt.Sprintf(`{"text":%q,"start":%g,"end":%g,"type":"word","logprob":-0.01005}`, w, start, end)
}

func timedMsg(text string, items ...string) string {
	return fmt.Sprintf(`{"message_type":"committed_transcript_with_timestamps","text":%q,"language_code":"en","words":[%s]}`,
		text, strings.Join(items, ","))
}

// Speech starts where the client heard sound; the echo of a commit opens
// no segment; punctuation is kept with punctuate.
func TestTimedSegments(t *testing.T) {
	var rec stttest.Recorder
	h := heard(fakespeech.Silence(200*time.Millisecond), say("hello", "there"), fakespeech.Silence(time.Second), say("bye"))
	r := newRecognizer(rec.Emit, h, true, true, true, 500*time.Millisecond)
	feed(t, r,
		partialMsg("Hello"), partialMsg("Hello"), partialMsg("Hello there"),
		committedMsg("Hello there."),
		timedMsg("Hello there.", timedWord("Hello", 0.2, 0.55), `{"text":" ","start":0.55,"end":0.63,"type":"spacing"}`,
			timedWord("there", 0.63, 1.05), `{"text":".","start":1.05,"end":1.05,"type":"word"}`,
			`{"text":"(laughs)","start":1.1,"end":1.3,"type":"audio_event"}`),
		partialMsg("Hello there."), // the echo
		partialMsg("Bye"),
	)
	got := stttest.Describe(rec.All())
	// an interim's words are spread over the sound when the counts differ
	want := `start@200ms interim("Hello" 200ms-1s) interim("Hello there" 200ms-1s) final("Hello there." 200ms-1.05s) ` +
		`speechfinal("" 1.05s-1.05s) eot("Hello there.") start@2s interim("Bye" 2s-2.22s) `
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	f := stttest.Finals(rec.All())[0]
	if f.Words[0].Confidence != 0.99 {
		t.Errorf("confidence %v", f.Words[0].Confidence)
	}
}

// Without timestamps the words are timed from the sound heard: a word per
// run of sound, the segment ending at a silence long enough to end it.
func TestUntimedWordsFromHearing(t *testing.T) {
	var rec stttest.Recorder
	h := heard(say("one", "two"), fakespeech.Silence(600*time.Millisecond), say("three"))
	r := newRecognizer(rec.Emit, h, false, false, false, 500*time.Millisecond)
	feed(t, r, partialMsg("One two"), committedMsg("One, two."))
	want := []voice.Word{{Text: "One", Start: 0, End: 220 * time.Millisecond, Confidence: 1}, {Text: "two", Start: 300 * time.Millisecond, End: 520 * time.Millisecond, Confidence: 1}}
	if err := stttest.SameWords(stttest.FinalWords(rec.All()), want); err != nil {
		t.Fatal(err)
	}
	// counts that disagree: spread by length over the segment's sound
	rec = stttest.Recorder{}
	r = newRecognizer(rec.Emit, heard(say("abcdefgh")), false, true, false, 500*time.Millisecond)
	feed(t, r, committedMsg("ab cdef"))
	ws := stttest.FinalWords(rec.All())
	if len(ws) != 2 || ws[0].End != ws[1].Start || ws[1].End != 560*time.Millisecond || ws[0].End != 560*time.Millisecond/3 {
		t.Fatalf("%+v", ws)
	}
}

// A replay repeating committed words is dropped.
func TestReplayDropsRepeats(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, heard(say("one"), fakespeech.Silence(time.Second)), false, true, true, 500*time.Millisecond)
	feed(t, r, committedMsg("one"), timedMsg("one", timedWord("one", 0, 0.2)))
	r.Dropped()
	if r.ReplayFrom() != 200*time.Millisecond {
		t.Fatalf("replay from %v", r.ReplayFrom())
	}
	r.Connect(0, time.Second) // replaying from the start
	feed(t, r, committedMsg("one"), timedMsg("one", timedWord("one", 0, 0.2)))
	if n := len(stttest.Finals(rec.All())); n != 2 { // the words and the speech final
		t.Fatalf("%s", stttest.Describe(rec.All()))
	}
}

func TestErrors(t *testing.T) {
	for typ, permanent := range map[string]bool{
		"auth_error": true, "quota_exceeded": true, "input_error": true, "scribe_auth_error": true,
		"rate_limited": false, "resource_exhausted": false, "transcriber_error": false, "session_time_limit_exceeded": false,
		"error": false,
	} {
		r := newRecognizer(func(voice.STTEvent) {}, heard(), false, true, true, 0)
		_, err := r.Handle(fmt.Appendf(nil, `{"message_type":%q,"error":"r"}`, typ))
		var se *sttsocket.ServerError
		if !errors.As(err, &se) || se.Permanent != permanent || se.Code != strings.TrimPrefix(typ, "scribe_") || se.Description != "r" {
			t.Errorf("%s: %v", typ, err)
		}
	}
	r := newRecognizer(func(voice.STTEvent) {}, heard(), false, true, true, 0)
	if _, err := r.Handle([]byte(`{"message_type":"commit_throttled","error":"slow down"}`)); !errors.Is(err, ErrThrottled) {
		t.Errorf("commit_throttled: %v", err)
	}
	if _, err := r.Handle([]byte(`{"message_type":"partial_transcript","text":`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed: %v", err)
	}
}

// FuzzHandle: any message maps without panicking, and what is emitted is
// well formed.
func FuzzHandle(f *testing.F) {
	f.Add([]byte(partialMsg("Hello there")))
	f.Add([]byte(committedMsg("Hello there.")))
	f.Add([]byte(timedMsg("Hi.", timedWord("Hi.", 0.1, 0.05), `{"text":" ","type":"spacing"}`, `{"text":"!","start":-1,"end":1e300,"type":"word","logprob":3}`)))
	f.Add([]byte(`{"message_type":"session_started","session_id":"x","config":{"sample_rate":8000}}`))
	f.Add([]byte(`{"message_type":"auth_error","error":"bad key"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(ev voice.STTEvent) {
			if tr, ok := ev.(*voice.Transcript); ok {
				if tr.Start < 0 || tr.End < tr.Start {
					t.Fatalf("transcript times %v-%v", tr.Start, tr.End)
				}
				for _, w := range tr.Words {
					if w.Text == "" || w.Start < 0 || w.End < w.Start || w.Confidence < 0 || w.Confidence > 1 {
						t.Fatalf("word %+v", w)
					}
				}
			}
		}
		for _, timed := range []bool{true, false} {
			r := newRecognizer(check, heard(say("a", "b")), true, true, timed, 500*time.Millisecond)
			_, _ = r.Handle(data)
			r.Connect(time.Second, 0)
			_, _ = r.Handle(data)
		}
	})
}
