package deepgram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/deepgram/deepgramfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/stttest"
	"github.com/switchboard-voice/switchboard/voice"
)

func openWith(c *Client, base, key string, rec *stttest.Recorder) (voice.STTStream, error) {
	return c.OpenSTT(context.Background(), voice.STTOptions{Settings: v1Settings(), Format: voice.Telephony, Key: key, BaseURL: base}, rec.Emit)
}

func TestOpenRefusals(t *testing.T) {
	var inj fault.Injector
	srv, base := startFake(t, deepgramfake.Config{Faults: &inj})
	c := New(testConfig)
	var rec stttest.Recorder

	// a wrong key: 401 at once, no retry
	_, err := openWith(c, base, "wrong", &rec)
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 401 || se.Code != "INVALID_AUTH" || se.RequestID == "" || se.Retryable() {
		t.Fatalf("wrong key: %v", err)
	}
	if n := len(srv.Sessions()); n != 1 {
		t.Fatalf("%d attempts for a 401", n)
	}
	// an injected 401 is not retried either
	inj.Next(fault.Fault{Kind: fault.Unauthorized}, 2)
	if _, err := openWith(c, base, testKey, &rec); !errors.As(err, &se) || se.Status != 401 {
		t.Fatalf("injected 401: %v", err)
	}
	inj.Reset()
	// a bad parameter: 400, not retried
	if _, err := c.OpenSTT(t.Context(), voice.STTOptions{Settings: fluxSettings(), Format: voice.Format{Encoding: voice.PCM16, SampleRate: 7999},
		Key: testKey, BaseURL: base}, rec.Emit); !errors.As(err, &se) || se.Status != 400 || se.Message == "" {
		t.Fatalf("bad parameter: %v", err)
	}

	// refusals that pass are retried
	for _, k := range []fault.Kind{fault.Refuse, fault.RateLimited, fault.ServerError, fault.Unavailable} {
		inj.Next(fault.Fault{Kind: k}, 3)
		st, err := openWith(c, base, testKey, &rec)
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		rec.Close(t, st)
		rec = stttest.Recorder{}
	}
	// until they do not
	inj.Always(fault.Fault{Kind: fault.Unavailable})
	_, err = openWith(c, base, testKey, &rec)
	if !errors.Is(err, ErrGaveUp) || !errors.As(err, &se) || se.Status != 503 {
		t.Fatalf("always 503: %v", err)
	}
	inj.Reset()
	if len(rec.All()) != 0 {
		t.Fatalf("OpenSTT emitted: %s", stttest.Describe(rec.All()))
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	err := statusError(&http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3"}}, Body: http.NoBody})
	var se *StatusError
	if !errors.As(err, &se) || se.RetryAfter != 3*time.Second || !se.Retryable() || se.RetryDelay() != 3*time.Second {
		t.Fatalf("%v", err)
	}
}

func TestCancelDuringOpen(t *testing.T) {
	var inj fault.Injector
	_, base := startFake(t, deepgramfake.Config{Faults: &inj})
	inj.Always(fault.Fault{Kind: fault.Unavailable})
	ctx, cancel := context.WithCancel(t.Context())
	cfg := testConfig
	cfg.BackoffMin, cfg.BackoffMax, cfg.MaxAttempts = time.Hour, time.Hour, 100
	done := make(chan error)
	go func() {
		_, err := New(cfg).OpenSTT(ctx, voice.STTOptions{Settings: v1Settings(), Format: voice.Telephony, Key: testKey, BaseURL: base},
			func(voice.STTEvent) {})
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, ErrClosed) || !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
}

func TestCancelMidStream(t *testing.T) {
	srv, base := startFake(t, deepgramfake.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	var rec stttest.Recorder
	st, err := New(testConfig).OpenSTT(ctx, voice.STTOptions{Settings: v1Settings(), Format: voice.Telephony, Key: testKey, BaseURL: base}, rec.Emit)
	if err != nil {
		t.Fatal(err)
	}
	var sc stttest.Script
	sc.Say("one two three four five six")
	sc.Send(t, st)
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(stttest.Of[*voice.Transcript](rec.All())) == 0 {
			return errors.New("no transcript yet")
		}
		return nil
	})
	cancel()
	// Close returns without waiting for CloseStream's answer, and nothing is
	// emitted afterwards
	rec.Close(t, st)
	if err := st.SendAudio(sc.Frames[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("SendAudio after cancel: %v", err)
	}
	for _, e := range stttest.Of[*voice.STTError](rec.All()) {
		t.Errorf("cancellation emitted %v", e.Err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if !srv.Sessions()[0].Ended {
			return errors.New("connection still open")
		}
		return nil
	})
}

// TestStallReconnects: the service stops answering; the stream drops the
// connection after StallTimeout and replays on a new one.
func TestStallReconnects(t *testing.T) {
	var inj fault.Injector
	srv, base := startFake(t, deepgramfake.Config{Faults: &inj})
	inj.Next(fault.Fault{Kind: fault.Stall, After: 1}, 1)
	cfg := testConfig
	cfg.StallTimeout = 100 * time.Millisecond
	var rec stttest.Recorder
	st := open(t, New(cfg), base, v1Settings(), &rec)
	var sc stttest.Script
	sc.Say("are you there").Silence(400 * time.Millisecond)
	sc.Send(t, st)
	// a caller keeps sending audio (silence), which the stalled service
	// leaves unanswered
	sc.KeepTalking(t, st, func() bool { return len(stttest.Finals(rec.All())) > 0 })
	rec.Close(t, st)
	evs := rec.All()
	if err := stttest.SameWords(stttest.FinalWords(evs), sc.Words); err != nil {
		t.Fatalf("%v: %s", err, stttest.Describe(evs))
	}
	errs := stttest.Of[*voice.STTError](evs)
	if len(errs) != 1 || errs[0].Fatal || !errors.Is(errs[0].Err, ErrStalled) {
		t.Fatalf("%s", stttest.Describe(evs))
	}
	if n := len(stttest.Of[*voice.SpeechStarted](evs)); n != 1 {
		t.Fatalf("%d speech starts: %s", n, stttest.Describe(evs))
	}
	if len(srv.Sessions()) != 2 {
		t.Fatalf("%d sessions", len(srv.Sessions()))
	}
}

// TestReconnectRefused: after a drop, a 401 is fatal at once; repeated
// outages exhaust the attempts.
func TestReconnectRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		then  fault.Fault
		check func(error) bool
	}{
		{"401", fault.Fault{Kind: fault.Unauthorized}, func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Status == 401 && !errors.Is(err, ErrGaveUp)
		}},
		{"5xx", fault.Fault{Kind: fault.ServerError}, func(err error) bool {
			var se *StatusError
			return errors.Is(err, ErrGaveUp) && errors.As(err, &se) && se.Status == 500
		}},
		{"drops", fault.Fault{Kind: fault.Drop}, func(err error) bool {
			// the cause is the last drop: a reset or an abnormal close
			var se *StatusError
			return errors.Is(err, ErrGaveUp) && !errors.As(err, &se) && !strings.Contains(err.Error(), "%!")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var inj fault.Injector
			_, base := startFake(t, deepgramfake.Config{Faults: &inj})
			inj.Next(fault.Fault{Kind: fault.Drop, After: 1}, 1)
			inj.Always(tc.then)
			var rec stttest.Recorder
			st := open(t, New(testConfig), base, v1Settings(), &rec)
			var sc stttest.Script
			sc.Say("hello")
			sc.Send(t, st)
			testkit.Eventually(t, 10*time.Second, func() error {
				for _, e := range stttest.Of[*voice.STTError](rec.All()) {
					if e.Fatal {
						return nil
					}
				}
				return errors.New("not fatal yet")
			})
			errs := stttest.Of[*voice.STTError](rec.All())
			last := errs[len(errs)-1]
			if !tc.check(last.Err) {
				t.Fatalf("fatal error %v", last.Err)
			}
			for _, e := range errs[:len(errs)-1] {
				if e.Fatal || !errors.Is(e.Err, ErrDropped) {
					t.Fatalf("%s", stttest.Describe(rec.All()))
				}
			}
			if err := st.SendAudio(sc.Frames[0]); err == nil || !errors.Is(err, last.Err) && err != last.Err {
				t.Fatalf("SendAudio after giving up: %v", err)
			}
			rec.Close(t, st)
		})
	}
}

// TestMalformedMessages: a garbled server message is reported and skipped;
// an Error message ends the connection, which is replaced.
func TestMalformedMessages(t *testing.T) {
	conns := 0
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		conns++
		if conns == 1 {
			_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"Results",`))
			_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"Results","is_final":true,"start":0,"duration":0.5,`+
				`"channel":{"alternatives":[{"transcript":"ok","confidence":0.9,"words":[{"word":"ok","start":0.1,"end":0.3,"confidence":0.9}]}]}}`))
			_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"Error","err_code":"X","description":"boom"}`))
		}
		for {
			typ, _, err := c.ReadMessage()
			if err != nil {
				return
			}
			if typ == websocket.TextMessage { // CloseStream
				_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
			}
		}
	}))
	defer srv.Close()
	var rec stttest.Recorder
	st := open(t, New(testConfig), srv.URL, v1Settings(), &rec)
	testkit.Eventually(t, 5*time.Second, func() error {
		if len(stttest.Of[*voice.STTError](rec.All())) < 2 {
			return errors.New("waiting")
		}
		return nil
	})
	rec.Close(t, st)
	evs := rec.All()
	errs := stttest.Of[*voice.STTError](evs)
	var se *ServerError
	if !errors.Is(errs[0].Err, ErrMalformed) || errs[0].Fatal || !errors.As(errs[1].Err, &se) || se.Description != "boom" {
		t.Fatalf("%s", stttest.Describe(evs))
	}
	if fs := stttest.Finals(evs); len(fs) != 1 || fs[0].Text != "ok" || fs[0].Words[0].End != 300*time.Millisecond {
		t.Fatalf("%s", stttest.Describe(evs))
	}
}

// TestOverflow: a service that never finalizes cannot make SendAudio
// block; past MaxBuffered the oldest audio goes, and the stream says so.
func TestOverflow(t *testing.T) {
	var inj fault.Injector
	_, base := startFake(t, deepgramfake.Config{Faults: &inj})
	inj.Next(fault.Fault{Kind: fault.Stall}, 1)
	cfg := testConfig
	cfg.MaxBuffered = time.Second
	cfg.KeepAlive = 40 * time.Millisecond    // ticks report the overflow
	cfg.CloseTimeout = 50 * time.Millisecond // the stalled service never answers CloseStream
	var rec stttest.Recorder
	st := open(t, New(cfg), base, v1Settings(), &rec)
	var sc stttest.Script
	sc.Say("this goes on and on and on for a long while").Silence(3 * time.Second)
	sc.Send(t, st)
	testkit.Eventually(t, 10*time.Second, func() error {
		for _, e := range stttest.Of[*voice.STTError](rec.All()) {
			if errors.Is(e.Err, ErrAudioDropped) && !e.Fatal {
				return nil
			}
		}
		return errors.New("no overflow reported")
	})
	rec.Close(t, st)
}
