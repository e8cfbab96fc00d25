package soniox

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/providers/internal/sttsocket"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

// tok renders a token; ms times.
func tok(text string, start, end int, final bool) string {
	return fmt.Sprintf(`{"text":%q,"start_ms":%d,"end_ms":%d,"confidence":0.9,"is_final":%v}`, text, start, end, final)
}

func resp(finalMS, totalMS int, toks ...string) []byte {
	return fmt.Appendf(nil, `{"tokens":[%s],"final_audio_proc_ms":%d,"total_audio_proc_ms":%d}`, strings.Join(toks, ","), finalMS, totalMS)
}

func feed(t *testing.T, r *recognizer, msgs ...[]byte) {
	t.Helper()
	for _, m := range msgs {
		if _, err := r.Handle(m); err != nil {
			t.Fatalf("Handle(%s): %v", m, err)
		}
	}
}

func TestWordsHeldUntilComplete(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, true, 0, true)
	feed(t, r,
		resp(0, 200, tok("Fan", 100, 200, false)),
		resp(200, 300, tok("Fan", 100, 200, true), tok("tas", 200, 300, false)),
		resp(400, 400, tok("tas", 200, 300, true), tok("tic", 300, 400, true)),
		resp(400, 600, tok(" day", 450, 600, false)),
		resp(600, 700, tok(" day", 450, 600, true), tok("<end>", 600, 600, true)),
	)
	got := stttest.Describe(rec.All())
	want := `start@100ms interim("Fan" 100ms-200ms) interim("Fantas" 100ms-300ms) interim("Fantastic" 100ms-400ms) ` +
		`final("Fantastic" 100ms-400ms) interim("day" 450ms-600ms) speechfinal("day" 450ms-600ms) eot("Fantastic day") `
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestFinalizeAnswersFin(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, false, 0, true)
	feed(t, r,
		resp(200, 200, tok("Yes", 0, 200, true)),
		resp(200, 200, tok("<fin>", 0, 0, true)),
		// the <end> owed for it was given up by the finalize
		resp(300, 300, tok("<end>", 0, 0, true)),
	)
	got := stttest.Describe(rec.All())
	if want := `start@0s final("Yes" 0s-200ms) `; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestSilenceEndsTheTurn(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, false, 800*time.Millisecond, false)
	feed(t, r,
		resp(300, 300, tok("Hi", 0, 300, true)),
		resp(300, 1000),
		resp(300, 1100),
	)
	got := stttest.Describe(rec.All())
	if want := `start@0s speechfinal("Hi" 0s-300ms) eot("Hi") `; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// a pause starts speech again
	feed(t, r, resp(2000, 2000, tok(" again", 1500, 2000, true)))
	if s := stttest.Of[*voice.SpeechStarted](rec.All()); len(s) != 2 || s[1].At != 1500*time.Millisecond {
		t.Fatalf("%s", stttest.Describe(rec.All()))
	}
}

func TestTranslationsAreNotTheCallersWords(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, false, 0, true)
	feed(t, r, []byte(`{"tokens":[{"text":"Hola","start_ms":0,"end_ms":200,"is_final":true,"translation_status":"original"},`+
		`{"text":"Hello","is_final":true,"translation_status":"translation"},{"text":"<end>","is_final":true}]}`))
	if got := stttest.Describe(rec.All()); got != `start@0s speechfinal("Hola" 0s-200ms) eot("Hola") ` {
		t.Fatal(got)
	}
}

func TestErrorResponses(t *testing.T) {
	for _, c := range []struct {
		msg       string
		permanent bool
	}{
		{`{"error_code":401,"error_message":"Invalid API key."}`, true},
		{`{"error_code":400,"error_message":"Invalid model."}`, true},
		{`{"error_code":503,"error_message":"Cannot continue request (code 1). Please restart the request."}`, false},
		{`{"error_code":"408","error_message":"Request timeout."}`, false},
	} {
		r := newRecognizer(func(voice.STTEvent) {}, false, 0, true)
		_, err := r.Handle([]byte(c.msg))
		var se *sttsocket.ServerError
		if !errors.As(err, &se) || se.Permanent != c.permanent || se.Provider != "soniox" {
			t.Errorf("%s: %v", c.msg, err)
		}
	}
	r := newRecognizer(func(voice.STTEvent) {}, false, 0, true)
	if _, err := r.Handle([]byte(`{"tokens":[`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("truncated: %v", err)
	}
	if ended, err := r.Handle([]byte(`{"tokens":[],"final_audio_proc_ms":0,"total_audio_proc_ms":0,"finished":true}`)); !ended || err != nil {
		t.Errorf("finished: %v %v", ended, err)
	}
}

// A replay after a drop repeats words already emitted: they are dropped,
// and the utterance awaiting its <end> is replayed from its first word.
func TestReplayDropsRepeats(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, false, 0, true)
	feed(t, r, resp(500, 600, tok("One", 0, 200, true), tok(" two", 300, 500, true), tok(" three", 550, 600, false)))
	r.Dropped()
	if from := r.ReplayFrom(); from != 0 {
		t.Fatalf("replay from %v, want the utterance's start", from)
	}
	r.Connect(0, 600*time.Millisecond)
	feed(t, r, resp(800, 900, tok("One", 0, 200, true), tok(" two", 300, 500, true), tok(" three", 550, 800, true), tok("<end>", 0, 0, true)))
	got := stttest.Describe(rec.All())
	if want := `start@0s final("One two" 0s-500ms) speechfinal("three" 550ms-800ms) eot("One two three") `; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestPunctuationOff(t *testing.T) {
	var rec stttest.Recorder
	r := newRecognizer(rec.Emit, false, 0, true)
	r.plain = true
	feed(t, r, resp(600, 600, tok("Yes", 0, 200, true), tok(",", 200, 210, true), tok(" please", 300, 600, true), tok("?!", 600, 600, true), tok("<end>", 0, 0, true)))
	if got := stttest.Describe(rec.All()); got != `start@0s speechfinal("Yes please" 0s-600ms) eot("Yes please") ` {
		t.Fatal(got)
	}
}
