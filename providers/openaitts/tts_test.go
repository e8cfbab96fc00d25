package openaitts

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/providers/openaitts/openaittsfake"
)

func TestMapsSettingsToTheRequest(t *testing.T) {
	srv := startFake(t, openaittsfake.Options{})
	s := settings()
	s.Speed = 9
	s.ProviderConfig = map[string]any{"instructions": "Speak warmly."}
	sess := open(t, &TTS{}, srv, pcm24, s)
	ttstest.Done(t, ttstest.Last(say(t, sess, "Hello there.", "  How are you?")))
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	// pipelined, the requests may arrive in either order
	slices.SortFunc(reqs, func(a, b openaittsfake.Request) int { return strings.Compare(a.Input, b.Input) })
	for i, want := range []string{"Hello there.", "How are you?"} {
		r := reqs[i]
		if r.Input != want || r.Model != DefaultModel || r.Voice != "alloy" || r.ResponseFormat != "pcm" || r.Speed != 4 || r.Instructions != "Speak warmly." {
			t.Errorf("request %d: %+v", i, r)
		}
	}
	for _, c := range []struct{ in, want string }{{"tts-1-hd", "tts-1-hd"}, {"gpt-4o-mini-tts", "gpt-4o-mini-tts"}, {"turbo", DefaultModel}, {"", DefaultModel}} {
		if got := ModelID(c.in); got != c.want {
			t.Errorf("ModelID(%q) = %q", c.in, got)
		}
	}
}

// TestPlaysChunksInOrder gives the first chunk a long text and the second a
// short one: the second response is complete first, and must play second.
func TestPlaysChunksInOrder(t *testing.T) {
	srv := startFake(t, openaittsfake.Options{Speed: 8, Chunk: 20 * time.Millisecond})
	sess := open(t, &TTS{}, srv, pcm24, settings())
	long, short := "This first sentence is rather long indeed.", "Short."
	a, _, end := ttstest.Result(t, say(t, sess, long))
	ttstest.Done(t, end)
	b, _, end := ttstest.Result(t, say(t, sess, short))
	ttstest.Done(t, end)
	both, _, end := ttstest.Result(t, say(t, sess, long, short))
	ttstest.Done(t, end)
	if !bytes.Equal(both, append(a, b...)) {
		t.Fatalf("audio of both chunks (%d bytes) is not the first's (%d) then the second's (%d)", len(both), len(a), len(b))
	}
	if d := pcm24.Duration(len(a)); d != duration(long) {
		t.Errorf("first chunk lasts %v, want %v", d, duration(long))
	}
}

func TestPipelinesTheNextRequest(t *testing.T) {
	srv := startFake(t, openaittsfake.Options{Speed: 1, Chunk: 20 * time.Millisecond})
	sess := open(t, &TTS{}, srv, pcm24, settings())
	r := ttstest.NewRecorder(t)
	u, _ := sess.Speak(r.Emit)
	_ = u.Send("One sentence that plays for a while.")
	_ = u.Send("Another one.")
	_ = u.Send("A third, not yet requested.")
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := srv.Active(); n != 2 {
			return fmt.Errorf("%d requests streaming, want the playing one and the next", n)
		}
		return nil
	})
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests made while the first plays, want 2", n)
	}
	u.Cancel()
	r.Seal()
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := srv.Active(); n != 0 {
			return fmt.Errorf("%d requests still streaming after Cancel", n)
		}
		return nil
	})
}

func TestFirstAudioIsMeasured(t *testing.T) {
	srv := startFake(t, openaittsfake.Options{FirstByte: 30 * time.Millisecond})
	sess := open(t, &TTS{}, srv, pcm24, settings())
	if d := ttstest.Done(t, ttstest.Last(say(t, sess, "Hi."))); d.FirstAudio < 30*time.Millisecond || d.FirstAudio > 5*time.Second {
		t.Errorf("FirstAudio %v, want at least the fake's 30ms", d.FirstAudio)
	}
}

func TestCancelMidUtterance(t *testing.T) {
	srv := startFake(t, openaittsfake.Options{Speed: 1, Chunk: 20 * time.Millisecond})
	sess := open(t, &TTS{}, srv, pcm24, settings())
	r := ttstest.NewRecorder(t)
	u, _ := sess.Speak(r.Emit)
	_ = u.Send(strings.Repeat("talking for a long while ", 10))
	testkit.Eventually(t, 5*time.Second, func() error {
		if r.Count() == 0 {
			return errors.New("no audio yet")
		}
		return nil
	})
	u.Cancel()
	r.Seal()
	if err := u.Send("more"); !errors.Is(err, ErrEnded) {
		t.Errorf("Send after Cancel: %v", err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := srv.Active(); n != 0 {
			return fmt.Errorf("%d requests still streaming", n)
		}
		return nil
	})
	audio, _, end := ttstest.Result(t, say(t, sess, "Still here."))
	ttstest.Done(t, end)
	if d := pcm24.Duration(len(audio)); d != duration("Still here.") {
		t.Errorf("after cancel: %v of audio", d)
	}
}

func TestSessionRules(t *testing.T) {
	srv := startFake(t, openaittsfake.Options{Speed: 1})
	sess := open(t, &TTS{}, srv, pcm24, settings())
	ttstest.SessionRules(t, sess, ttstest.Errors{Busy: ErrBusy, Ended: ErrEnded, Closed: ErrClosed}, "Goodbye for now, and thank you.")
	// Close cancels the request; the server sees the connection go a moment later.
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := srv.Active(); n != 0 {
			return fmt.Errorf("%d requests streaming after Close", n)
		}
		return nil
	})
}

func TestFaults(t *testing.T) {
	for _, c := range []struct {
		kind   fault.Kind
		status int
	}{
		{fault.Unauthorized, 401}, {fault.RateLimited, 429}, {fault.ServerError, 500}, {fault.Unavailable, 503},
	} {
		t.Run(c.kind.String(), func(t *testing.T) {
			srv := startFake(t, openaittsfake.Options{})
			sess := open(t, &TTS{}, srv, pcm24, settings())
			srv.Faults().Next(fault.Fault{Kind: c.kind}, 1)
			err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Refused.")))
			var se *StatusError
			if !errors.As(err, &se) || se.StatusCode != c.status || se.Message == "" {
				t.Fatalf("err %v, want HTTP %d", err, c.status)
			}
			if c.kind == fault.RateLimited && se.RetryAfter != time.Second {
				t.Errorf("RetryAfter %v", se.RetryAfter)
			}
			ttstest.Done(t, ttstest.Last(say(t, sess, "Recovered.")))
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		srv := startFake(t, openaittsfake.Options{Key: "right"})
		sess := open(t, &TTS{}, srv, pcm24, settings())
		if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Hi."))); statusOf(err) != 401 || strings.Contains(err.Error(), testKey) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("refuse", func(t *testing.T) {
		srv := startFake(t, openaittsfake.Options{})
		sess := open(t, &TTS{}, srv, pcm24, settings())
		srv.Faults().Next(fault.Fault{Kind: fault.Refuse}, 1)
		if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Hi."))); !errors.Is(err, ErrConnection) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("second chunk fails", func(t *testing.T) {
		srv := startFake(t, openaittsfake.Options{})
		sess := open(t, &TTS{}, srv, pcm24, settings())
		r := ttstest.NewRecorder(t)
		u, _ := sess.Speak(r.Emit)
		_ = u.Send("First part.")
		testkit.Eventually(t, 5*time.Second, func() error {
			if len(srv.Requests()) == 0 {
				return errors.New("first request not made yet")
			}
			return nil
		})
		srv.Faults().Next(fault.Fault{Kind: fault.ServerError}, 1)
		_ = u.Send("Second part.")
		_ = u.End()
		audio, _, end := ttstest.Result(t, r.Wait())
		if err := ttstest.Failed(t, end); statusOf(err) != 500 {
			t.Fatalf("err %v", err)
		}
		if d := pcm24.Duration(len(audio)); d != duration("First part.") {
			t.Errorf("%v of audio before the failure, want the first chunk's", d)
		}
	})
	t.Run("drop", func(t *testing.T) {
		srv := startFake(t, openaittsfake.Options{Chunk: 20 * time.Millisecond})
		sess := open(t, &TTS{}, srv, pcm24, settings())
		srv.Faults().Next(fault.Fault{Kind: fault.Drop, After: 3}, 1)
		audio, _, end := ttstest.Result(t, say(t, sess, "This will be cut short."))
		if err := ttstest.Failed(t, end); !errors.Is(err, ErrConnection) {
			t.Fatalf("err %v", err)
		}
		if d := pcm24.Duration(len(audio)); d != 60*time.Millisecond {
			t.Errorf("%v of audio before the drop, want 3 chunks", d)
		}
		ttstest.Done(t, ttstest.Last(say(t, sess, "Recovered.")))
	})
	for _, after := range []int{0, 2} {
		t.Run(fmt.Sprint("stall after ", after), func(t *testing.T) {
			srv := startFake(t, openaittsfake.Options{Chunk: 20 * time.Millisecond})
			sess := open(t, &TTS{StallTimeout: 300 * time.Millisecond}, srv, pcm24, settings())
			srv.Faults().Next(fault.Fault{Kind: fault.Stall, After: after}, 1)
			if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Nothing comes back."))); !errors.Is(err, ErrStalled) {
				t.Fatalf("err %v", err)
			}
			ttstest.Done(t, ttstest.Last(say(t, sess, "Recovered.")))
		})
	}
	t.Run("bad request", func(t *testing.T) {
		srv := startFake(t, openaittsfake.Options{})
		s := settings()
		s.VoiceID = "rachel"
		sess := open(t, &TTS{}, srv, pcm24, s)
		if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Hi."))); statusOf(err) != 400 || !strings.Contains(err.Error(), "voice") {
			t.Fatalf("err %v", err)
		}
	})
}
