package cartesia

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/cartesia/cartesiafake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMapsSettingsToTheProtocol(t *testing.T) {
	srv := startFake(t, cartesiafake.Options{})
	s := settings()
	s.Speed, s.Volume = 1.2, 3
	s.ProviderConfig = map[string]any{"language": "fr"}
	sess := open(t, &TTS{}, srv, voice.Telephony, s)
	ttstest.Done(t, ttstest.Last(say(t, sess, "Bonjour.", "  Ça va?")))
	sock := srv.Sockets()[0]
	if sock.Version != Version {
		t.Errorf("version %q", sock.Version)
	}
	reqs := sock.Requests
	if len(reqs) != 3 {
		t.Fatalf("%d requests: %+v", len(reqs), reqs)
	}
	for i, want := range []struct {
		text string
		more bool
	}{{"Bonjour. ", true}, {"Ça va? ", true}, {"", false}} {
		r := reqs[i]
		if r.Transcript != want.text || r.Continue != want.more || r.ContextID != reqs[0].ContextID {
			t.Errorf("request %d: %+v", i, r)
		}
		if r.ModelID != DefaultModel || r.VoiceMode != "id" || r.VoiceID != voiceUUID || r.Language != "fr" ||
			r.Container != "raw" || r.Encoding != "pcm_mulaw" || r.SampleRate != 8000 || !r.AddTimestamps {
			t.Errorf("request %d: %+v", i, r)
		}
		if fmt.Sprint(r.GenerationConfig) != "map[speed:1.2 volume:2]" {
			t.Errorf("generation_config %v, want speed 1.2 and volume clamped to 2", r.GenerationConfig)
		}
	}
	// defaults: no generation_config
	sess = open(t, &TTS{}, srv, voice.Telephony, settings())
	ttstest.Done(t, ttstest.Last(say(t, sess, "Hi.")))
	if gc := srv.Sockets()[1].Requests[0].GenerationConfig; gc != nil {
		t.Errorf("generation_config %v at speed and volume 1", gc)
	}
}

func TestSpeaksWordsWithTimestamps(t *testing.T) {
	srv := startFake(t, cartesiafake.Options{Chunk: 60 * time.Millisecond, FirstByte: 20 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	var ids []string
	for range 2 {
		audio, words, end := ttstest.Result(t, say(t, sess, "Hello there.", "How are you today?"))
		if d := ttstest.Done(t, end); d.FirstAudio < 20*time.Millisecond {
			t.Errorf("FirstAudio %v, want at least the fake's 20ms", d.FirstAudio)
		}
		said := []string{"Hello", "there.", "How", "are", "you", "today?"}
		if got := ttstest.SpokenWords(audio); !slices.Equal(got, said) {
			t.Fatalf("audio says %q, want %q", got, said)
		}
		want := ttstest.ExpectedWords(said...)
		if !slices.Equal(words, want) {
			t.Fatalf("words %v, want %v", words, want)
		}
		for _, w := range want { // each word starts where its audio does
			i := voice.Telephony.Bytes(w.Start)
			if got := ttstest.SpokenWords(audio[i : i+160]); len(got) != 1 || got[0] != w.Text {
				t.Errorf("audio at %v says %q, want %q", w.Start, got, w.Text)
			}
		}
	}
	socks := srv.Sockets()
	if len(socks) != 1 {
		t.Fatalf("%d sockets, want one for the session", len(socks))
	}
	for _, r := range socks[0].Requests {
		if !slices.Contains(ids, r.ContextID) {
			ids = append(ids, r.ContextID)
		}
	}
	if len(ids) != 2 {
		t.Errorf("contexts %q, want one per utterance", ids)
	}
}

func TestPCM(t *testing.T) {
	srv := startFake(t, cartesiafake.Options{})
	f := voice.Format{Encoding: voice.PCM16, SampleRate: 16000}
	sess := open(t, &TTS{}, srv, f, settings())
	audio, words, end := ttstest.Result(t, say(t, sess, "One two."))
	ttstest.Done(t, end)
	if r := srv.Sockets()[0].Requests[0]; r.Encoding != "pcm_s16le" || r.SampleRate != 16000 {
		t.Errorf("request %+v", r)
	}
	want := ttstest.ExpectedWords("One", "two.")
	if !slices.Equal(words, want) {
		t.Errorf("words %v, want %v", words, want)
	}
	if d := f.Duration(len(audio)); d != want[1].End {
		t.Errorf("audio lasts %v, want %v", d, want[1].End)
	}
}

func TestCancelKeepsTheSocket(t *testing.T) {
	srv := startFake(t, cartesiafake.Options{Speed: 1, Chunk: 20 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	r := ttstest.NewRecorder(t)
	u, _ := sess.Speak(r.Emit)
	_ = u.Send(strings.Repeat("talking for a long while. ", 10))
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
	audio, _, end := ttstest.Result(t, say(t, sess, "Still here."))
	ttstest.Done(t, end)
	if got := ttstest.SpokenWords(audio); !slices.Equal(got, []string{"Still", "here."}) {
		t.Errorf("after cancel: %q", got)
	}
	socks := srv.Sockets()
	if len(socks) != 1 || !slices.ContainsFunc(socks[0].Requests, func(r cartesiafake.Request) bool { return r.Cancel }) {
		t.Errorf("sockets %+v", socks)
	}
}

func TestSessionRules(t *testing.T) {
	srv := startFake(t, cartesiafake.Options{})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	ttstest.SessionRules(t, sess, ttstest.Errors{Busy: ErrBusy, Ended: ErrEnded, Closed: ErrClosed}, "Goodbye for now.")
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := srv.Open(); n != 0 {
			return fmt.Errorf("%d sockets open after Close", n)
		}
		return nil
	})
	if reqs := srv.Sockets()[0].Requests; !reqs[len(reqs)-1].Cancel {
		t.Errorf("last request %+v: want the cancel sent before closing", reqs[len(reqs)-1])
	}
}

func TestServiceError(t *testing.T) {
	srv := startFake(t, cartesiafake.Options{})
	s := settings()
	s.VoiceID = ""
	sess := open(t, &TTS{}, srv, voice.Telephony, s)
	err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Hi.")))
	if !errors.Is(err, ErrService) || statusOf(err) != 400 || !strings.Contains(err.Error(), "voice") {
		t.Fatalf("err %v", err)
	}
}

func TestRedialsASocketClosedWhileIdle(t *testing.T) {
	srv := startFake(t, cartesiafake.Options{IdleTimeout: 30 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	testkit.Eventually(t, 5*time.Second, func() error {
		if !srv.Sockets()[0].Closed {
			return errors.New("socket still open")
		}
		return nil
	})
	ttstest.Done(t, ttstest.Last(say(t, sess, "Back again.")))
	if n := len(srv.Sockets()); n != 2 {
		t.Errorf("%d sockets, want a redial", n)
	}
}

func TestHandshakeFaults(t *testing.T) {
	ttstest.HandshakeFaults(t, ttstest.Handshake{
		Open: func(t *testing.T, key string, f fault.Fault) error {
			srv := startFake(t, cartesiafake.Options{})
			if f.Kind != fault.None {
				srv.Faults().Next(f, 1)
			}
			_, err := (&TTS{}).OpenTTS(context.Background(), voice.TTSOptions{Settings: settings(), Format: voice.Telephony, Key: key, BaseURL: srv.BaseURL})
			return err
		},
		Key:           testKey,
		StatusOf:      statusOf,
		WrongKey:      "Invalid API key",
		ErrConnection: ErrConnection,
	})
}

func TestStreamFaults(t *testing.T) {
	t.Run("drop", func(t *testing.T) {
		srv := startFake(t, cartesiafake.Options{Chunk: 20 * time.Millisecond})
		srv.Faults().Next(fault.Fault{Kind: fault.Drop, After: 3}, 1)
		sess := open(t, &TTS{}, srv, voice.Telephony, settings())
		if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "This will be cut short."))); !errors.Is(err, ErrConnection) {
			t.Fatalf("err %v", err)
		}
		ttstest.Done(t, ttstest.Last(say(t, sess, "Recovered.")))
		// dropped before any audio, an utterance moves to a new socket
		srv.Faults().Next(fault.Fault{Kind: fault.Drop}, 1)
		sess = open(t, &TTS{}, srv, voice.Telephony, settings())
		audio, _, end := ttstest.Result(t, say(t, sess, "Moved."))
		ttstest.Done(t, end)
		if got := ttstest.SpokenWords(audio); !slices.Equal(got, []string{"Moved."}) {
			t.Errorf("audio says %q", got)
		}
		// unless the service refuses the new one
		srv.Faults().Next(fault.Fault{Kind: fault.Drop}, 1)
		srv.Faults().Next(fault.Fault{Kind: fault.RateLimited}, 1)
		sess = open(t, &TTS{}, srv, voice.Telephony, settings())
		if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Refused."))); statusOf(err) != 429 {
			t.Fatalf("err %v", err)
		}
	})
	for _, after := range []int{0, 2} {
		t.Run(fmt.Sprint("stall after ", after), func(t *testing.T) {
			srv := startFake(t, cartesiafake.Options{Chunk: 20 * time.Millisecond})
			srv.Faults().Next(fault.Fault{Kind: fault.Stall, After: after}, 1)
			sess := open(t, &TTS{StallTimeout: 300 * time.Millisecond}, srv, voice.Telephony, settings())
			if err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Nothing comes back."))); !errors.Is(err, ErrStalled) {
				t.Fatalf("err %v", err)
			}
			ttstest.Done(t, ttstest.Last(say(t, sess, "Recovered.")))
			if n := len(srv.Sockets()); n != 2 {
				t.Errorf("%d sockets: a stalled socket must be replaced", n)
			}
		})
	}
}

func TestWordsOf(t *testing.T) {
	var m message
	if err := m.parse([]byte(`{"type":"timestamps","context_id":"c","word_timestamps":{"words":["a","b"],"start":[0,0.5],"end":[0.25,1.125]}}`)); err != nil {
		t.Fatal(err)
	}
	want := []voice.Word{{Text: "a", End: 250 * time.Millisecond}, {Text: "b", Start: 500 * time.Millisecond, End: 1125 * time.Millisecond}}
	if got := wordsOf(&m); !slices.Equal(got, want) {
		t.Errorf("%v", got)
	}
}
