package elevenlabs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/elevenlabs/elevenlabsfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMapsSettingsToTheProtocol(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	ttstest.Done(t, ttstest.Last(say(t, sess, "Hello there.", "  How are you?  ")))

	s := srv.Sockets()[0]
	if s.VoiceID != "21m00Tcm4TlvDq8ikWAM" {
		t.Errorf("voice %q", s.VoiceID)
	}
	for k, v := range map[string]string{
		"model_id": "eleven_turbo_v2_5", "output_format": "ulaw_8000", "optimize_streaming_latency": "1",
		"auto_mode": "true", "inactivity_timeout": "180",
	} {
		if got := s.Query.Get(k); got != v {
			t.Errorf("query %s = %q, want %q", k, got, v)
		}
	}
	texts := make([]string, len(s.Messages))
	for i, m := range s.Messages {
		texts[i] = *m.Text
	}
	if want := []string{" ", "Hello there. ", "How are you? ", ""}; !slices.Equal(texts, want) {
		t.Fatalf("texts %q, want %q", texts, want)
	}
	if !s.Messages[1].Flush || !s.Messages[2].Flush || s.Messages[3].Flush {
		t.Errorf("flushes: %+v", s.Messages)
	}
	vs := s.Messages[0].VoiceSettings
	want := map[string]any{"stability": 0.5, "similarity_boost": 0.75, "style": 0.1, "speed": 1.1, "use_speaker_boost": true}
	for k, v := range want {
		if vs[k] != v {
			t.Errorf("voice_settings.%s = %v, want %v", k, vs[k], v)
		}
	}
	if got := fmt.Sprint(s.Messages[0].GenerationConfig["chunk_length_schedule"]); got != "[120 160 250 290]" {
		t.Errorf("chunk_length_schedule %s", got)
	}
}

func TestSettingDefaultsAndLimits(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"turbo", "eleven_turbo_v2_5"}, {"FLASH", "eleven_flash_v2_5"}, {"eleven_v3", "eleven_v3"},
		{"", DefaultModel}, {"sonic-3", DefaultModel},
	} {
		if got := ModelID(c.in); got != c.want {
			t.Errorf("ModelID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if VoiceID("Adam") != "pNInz6obpgDQGcFmaJgB" || VoiceID("custom123") != "custom123" {
		t.Error("VoiceID")
	}
	srv := startFake(t, elevenlabsfake.Options{})
	s := settings()
	s.Speed, s.Latency = 3, 0
	s.ProviderConfig = map[string]any{"language_code": "de", "chunk_length_schedule": []any{10.0, 200.0, 900.0}}
	sess := open(t, &TTS{}, srv, voice.Telephony, s)
	ttstest.Done(t, ttstest.Last(say(t, sess, "Hallo.")))
	sock := srv.Sockets()[0]
	if sock.Query.Get("language_code") != "de" || sock.Query.Has("optimize_streaming_latency") {
		t.Errorf("query %v", sock.Query)
	}
	if v := sock.Messages[0].VoiceSettings["speed"]; v != 1.2 {
		t.Errorf("speed %v, want the service's maximum 1.2", v)
	}
	if got := fmt.Sprint(sock.Messages[0].GenerationConfig["chunk_length_schedule"]); got != "[50 200 500]" {
		t.Errorf("chunk_length_schedule %s", got)
	}
}

func TestSpeaksWordsWithTimings(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{Chunk: 60 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	for range 2 { // the second utterance runs on the pre-opened socket
		audio, words, end := ttstest.Result(t, say(t, sess, "Hello there.", "How are you today?"))
		ttstest.Done(t, end)
		said := []string{"Hello", "there.", "How", "are", "you", "today?"}
		if got := ttstest.SpokenWords(audio); !slices.Equal(got, said) {
			t.Fatalf("audio says %q, want %q", got, said)
		}
		want := ttstest.ExpectedWords(said...)
		if err := equalWords(words, want); err != nil {
			t.Fatal(err)
		}
		if d := voice.Telephony.Duration(len(audio)); d != want[len(want)-1].End {
			t.Errorf("audio lasts %v, words end at %v", d, want[len(want)-1].End)
		}
		for _, w := range want { // each word starts where its audio does
			i := voice.Telephony.Bytes(w.Start)
			if got := ttstest.SpokenWords(audio[i : i+160]); len(got) != 1 || got[0] != w.Text {
				t.Errorf("audio at %v says %q, want %q", w.Start, got, w.Text)
			}
		}
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := len(srv.Sockets()); n != 3 {
			return fmt.Errorf("%d sockets, want one per utterance plus a warm one", n)
		}
		return nil
	})
}

func TestPCMOutput(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{})
	f := voice.Format{Encoding: voice.PCM16, SampleRate: 16000}
	sess := open(t, &TTS{}, srv, f, settings())
	audio, words, end := ttstest.Result(t, say(t, sess, "One two three."))
	ttstest.Done(t, end)
	if got := srv.Sockets()[0].Query.Get("output_format"); got != "pcm_16000" {
		t.Errorf("output_format %q", got)
	}
	want := ttstest.ExpectedWords("One", "two", "three.")
	if err := equalWords(words, want); err != nil {
		t.Fatal(err)
	}
	if d := f.Duration(len(audio)); d != want[2].End {
		t.Errorf("audio lasts %v, want %v", d, want[2].End)
	}
	// speech energy inside words, silence between them
	gap := audio[f.Bytes(want[0].End):f.Bytes(want[1].Start)]
	if strings.Trim(string(gap), "\x00") != "" {
		t.Error("gap between words is not silent")
	}
	mid := f.Bytes(want[1].Start + 100*time.Millisecond)
	if loud := slices.ContainsFunc(audio[mid:mid+40], func(b byte) bool { return b > 8 && b < 248 }); !loud {
		t.Error("no signal inside a word")
	}
}

func TestFirstAudioIsMeasured(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{FirstByte: 30 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	d := ttstest.Done(t, ttstest.Last(say(t, sess, "Hi.")))
	if d.FirstAudio < 30*time.Millisecond || d.FirstAudio > 5*time.Second {
		t.Errorf("FirstAudio %v, want at least the fake's 30ms", d.FirstAudio)
	}
}

func TestCancelMidUtterance(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{Speed: 1, Chunk: 20 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	r := ttstest.NewRecorder(t)
	u, err := sess.Speak(r.Emit)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Send(strings.Repeat("talking for a long while ", 10)); err != nil {
		t.Fatal(err)
	}
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
	// the cancelled socket closes; a pre-opened one waits for the next
	testkit.Eventually(t, 5*time.Second, func() error {
		if s := srv.Sockets(); !s[0].Closed || len(s) != 2 || s[1].Closed {
			return fmt.Errorf("sockets %+v", s)
		}
		return nil
	})
	audio, _, end := ttstest.Result(t, say(t, sess, "Still here."))
	ttstest.Done(t, end)
	if got := ttstest.SpokenWords(audio); !slices.Equal(got, []string{"Still", "here."}) {
		t.Errorf("after cancel: %q", got)
	}
}

func TestCancelOrEndBeforeTextKeepsTheSocket(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	r := ttstest.NewRecorder(t)
	u, _ := sess.Speak(r.Emit)
	u.Cancel()
	r.Seal()
	ttstest.Done(t, ttstest.Last(say(t, sess))) // End without text: done at once
	ttstest.Done(t, ttstest.Last(say(t, sess, "Now.")))
	testkit.Eventually(t, 5*time.Second, func() error {
		if s := srv.Sockets(); len(s) != 2 || len(s[0].Messages) != 3 {
			return fmt.Errorf("sockets %+v, want the first used by the third utterance, then a warm one", s)
		}
		return nil
	})
}

func TestSessionRules(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	ttstest.SessionRules(t, sess, ttstest.Errors{Busy: ErrBusy, Ended: ErrEnded, Closed: ErrClosed}, "Goodbye for now.")
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := srv.Open(); n != 0 {
			return fmt.Errorf("%d sockets open after Close", n)
		}
		return nil
	})
}

func TestRedialsAWarmSocketClosedWhileIdle(t *testing.T) {
	srv := startFake(t, elevenlabsfake.Options{InactivityTimeout: 30 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	testkit.Eventually(t, 5*time.Second, func() error {
		if !srv.Sockets()[0].Closed {
			return errors.New("warm socket still open")
		}
		return nil
	})
	ttstest.Done(t, ttstest.Last(say(t, sess, "Back again.")))

	// an utterance takes its socket when it has text to send
	r := ttstest.NewRecorder(t)
	u, _ := sess.Speak(r.Emit)
	testkit.Eventually(t, 5*time.Second, func() error {
		s := srv.Sockets()
		if len(s) < 3 || slices.ContainsFunc(s, func(s elevenlabsfake.Socket) bool { return !s.Closed }) {
			return errors.New("the socket pre-opened after the last utterance is still open")
		}
		return nil
	})
	_ = u.Send("Ready.")
	_ = u.End()
	ttstest.Done(t, ttstest.Last(r.Wait()))
}

func TestHandshakeFaults(t *testing.T) {
	ttstest.HandshakeFaults(t, ttstest.Handshake{
		Open: func(t *testing.T, key string, f fault.Fault) error {
			srv := startFake(t, elevenlabsfake.Options{})
			if f.Kind != fault.None {
				srv.Faults().Next(f, 1)
			}
			_, err := (&TTS{}).OpenTTS(context.Background(), voice.TTSOptions{Settings: settings(), Format: voice.Telephony, Key: key, BaseURL: srv.BaseURL})
			return err
		},
		Key:      testKey,
		StatusOf: statusOf,
		Check: func(t *testing.T, kind fault.Kind, err error) {
			var se *StatusError
			errors.As(err, &se)
			if se.Message == "" || (kind == fault.RateLimited && se.RetryAfter != time.Second) {
				t.Errorf("%+v", se)
			}
		},
		WrongKey:      "Invalid API key",
		ErrConnection: ErrConnection,
	})
	t.Run("during an utterance", func(t *testing.T) {
		// the first utterance's socket opens at OpenTTS; the second needs a
		// new one, and it is refused
		srv := startFake(t, elevenlabsfake.Options{})
		sess := open(t, &TTS{}, srv, voice.Telephony, settings())
		srv.Faults().Always(fault.Fault{Kind: fault.RateLimited})
		ttstest.Done(t, ttstest.Last(say(t, sess, "One.")))
		if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Two."))); statusOf(err) != 429 {
			t.Fatalf("err %v", err)
		}
		srv.Faults().Reset()
		ttstest.Done(t, ttstest.Last(say(t, sess, "Three.")))
	})
}

func TestStreamFaults(t *testing.T) {
	t.Run("drop", func(t *testing.T) {
		srv := startFake(t, elevenlabsfake.Options{Chunk: 20 * time.Millisecond})
		srv.Faults().Next(fault.Fault{Kind: fault.Drop, After: 3}, 1)
		sess := open(t, &TTS{}, srv, voice.Telephony, settings())
		events := say(t, sess, "This will be cut short.")
		if err := ttstest.Failed(t, ttstest.Last(events)); !errors.Is(err, ErrConnection) {
			t.Fatalf("err %v", err)
		}
		if len(events) != 4 {
			t.Errorf("%d events, want 3 chunks and the error", len(events))
		}
		ttstest.Done(t, ttstest.Last(say(t, sess, "Recovered.")))
	})
	for _, after := range []int{0, 2} {
		t.Run(fmt.Sprint("stall after ", after), func(t *testing.T) {
			srv := startFake(t, elevenlabsfake.Options{Chunk: 20 * time.Millisecond})
			srv.Faults().Next(fault.Fault{Kind: fault.Stall, After: after}, 1)
			sess := open(t, &TTS{StallTimeout: 300 * time.Millisecond}, srv, voice.Telephony, settings())
			if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Nothing comes back."))); !errors.Is(err, ErrStalled) {
				t.Fatalf("err %v", err)
			}
			ttstest.Done(t, ttstest.Last(say(t, sess, "Recovered.")))
		})
	}
	t.Run("service error", func(t *testing.T) {
		srv := startFake(t, elevenlabsfake.Options{})
		s := settings()
		s.ModelID = "eleven_imaginary"
		sess := open(t, &TTS{}, srv, voice.Telephony, s)
		err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Hi.")))
		if !errors.Is(err, ErrService) || !strings.Contains(err.Error(), "model_not_found") {
			t.Fatalf("err %v", err)
		}
	})
}
