package aura

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/aura/aurafake"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/ttstest"
	"github.com/switchboard-voice/switchboard/voice"
)

func types(s aurafake.Socket) []string {
	out := make([]string, len(s.Messages))
	for i, m := range s.Messages {
		out[i] = m.Type
		if m.Type == "Speak" {
			out[i] += ":" + m.Text
		}
	}
	return out
}

func TestModel(t *testing.T) {
	for _, c := range []struct {
		s    assistant.TTSSettings
		want string
	}{
		{assistant.TTSSettings{VoiceID: "thalia", ModelID: "turbo"}, "aura-2-thalia-en"},
		{assistant.TTSSettings{VoiceID: "Orion", ModelID: "aura"}, "aura-orion-en"},
		{assistant.TTSSettings{VoiceID: "aura-asteria-en"}, "aura-asteria-en"},
		{assistant.TTSSettings{VoiceID: "celeste", ProviderConfig: map[string]any{"language": "es"}}, "aura-2-celeste-es"},
		{assistant.TTSSettings{}, DefaultModel},
	} {
		if got := Model(c.s); got != c.want {
			t.Errorf("Model(%+v) = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestMapsSettingsToTheProtocol(t *testing.T) {
	srv := startFake(t, aurafake.Options{})
	s := settings()
	s.Speed = 1.2
	s.ProviderConfig = map[string]any{"mip_opt_out": true}
	sess := open(t, &TTS{}, srv, voice.Telephony, s)
	ttstest.Done(t, ttstest.Last(say(t, sess, "Hello there.", "  How are you?")))
	sock := srv.Sockets()[0]
	for k, v := range map[string]string{"model": "aura-2-thalia-en", "encoding": "mulaw", "sample_rate": "8000", "speed": "1.2", "mip_opt_out": "true"} {
		if got := sock.Query.Get(k); got != v {
			t.Errorf("query %s = %q, want %q", k, got, v)
		}
	}
	if got, want := types(sock), []string{"Speak:Hello there. ", "Speak:How are you? ", "Flush"}; !slices.Equal(got, want) {
		t.Errorf("messages %q, want %q", got, want)
	}
}

func TestSpeaksOnOneSocket(t *testing.T) {
	srv := startFake(t, aurafake.Options{Chunk: 60 * time.Millisecond, FirstByte: 20 * time.Millisecond})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	for _, text := range [][]string{{"Hello there.", "How are you today?"}, {"Fine,", "thanks."}} {
		audio, words, end := ttstest.Result(t, say(t, sess, text...))
		d := ttstest.Done(t, end)
		if d.FirstAudio < 20*time.Millisecond {
			t.Errorf("FirstAudio %v, want at least the fake's 20ms", d.FirstAudio)
		}
		if words != nil {
			t.Errorf("words %v: Aura gives no alignment", words)
		}
		want := fakespeech.Words(strings.Join(text, " "))
		if got := ttstest.SpokenWords(audio); !slices.Equal(got, want) {
			t.Fatalf("audio says %q, want %q", got, want)
		}
	}
	if n := len(srv.Sockets()); n != 1 {
		t.Errorf("%d sockets, want one for the session", n)
	}
}

func TestLinear16(t *testing.T) {
	srv := startFake(t, aurafake.Options{})
	f := voice.Format{Encoding: voice.PCM16, SampleRate: 16000}
	sess := open(t, &TTS{}, srv, f, settings())
	audio, _, end := ttstest.Result(t, say(t, sess, "One two."))
	ttstest.Done(t, end)
	q := srv.Sockets()[0].Query
	if q.Get("encoding") != "linear16" || q.Get("sample_rate") != "16000" {
		t.Errorf("query %v", q)
	}
	want := fakespeech.WordDuration("One") + 80*time.Millisecond + fakespeech.WordDuration("two.")
	if d := f.Duration(len(audio)); d != want {
		t.Errorf("audio lasts %v, want %v", d, want)
	}
	mid := f.Bytes(100 * time.Millisecond)
	if !slices.ContainsFunc(audio[mid:mid+40], func(b byte) bool { return b > 8 && b < 248 }) {
		t.Error("no signal inside a word")
	}
}

func TestCancelClearsAndKeepsTheSocket(t *testing.T) {
	srv := startFake(t, aurafake.Options{Speed: 1, Chunk: 20 * time.Millisecond})
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
	// the next utterance hears none of the cancelled one's audio
	audio, _, end := ttstest.Result(t, say(t, sess, "Still here."))
	ttstest.Done(t, end)
	if got := ttstest.SpokenWords(audio); !slices.Equal(got, []string{"Still", "here."}) {
		t.Errorf("after cancel: %q", got)
	}
	sock := srv.Sockets()
	if len(sock) != 1 || !slices.Contains(types(sock[0]), "Clear") {
		t.Errorf("sockets %+v", sock)
	}
}

func TestNoTextSpendsNoFlushOrClear(t *testing.T) {
	srv := startFake(t, aurafake.Options{})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	r := ttstest.NewRecorder(t)
	u, _ := sess.Speak(r.Emit)
	u.Cancel()
	r.Seal()
	ttstest.Done(t, ttstest.Last(say(t, sess)))
	ttstest.Done(t, ttstest.Last(say(t, sess, "Now.")))
	if got, want := types(srv.Sockets()[0]), []string{"Speak:Now. ", "Flush"}; !slices.Equal(got, want) {
		t.Errorf("messages %q, want %q", got, want)
	}
}

func TestFlushLimit(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	srv := startFake(t, aurafake.Options{FlushLimit: 2, Clock: clk})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	ttstest.Done(t, ttstest.Last(say(t, sess, "One.")))
	ttstest.Done(t, ttstest.Last(say(t, sess, "Two.")))
	err := ttstest.Failed(t, ttstest.Last(say(t, sess, "Three")))
	if !errors.Is(err, ErrService) || !strings.Contains(err.Error(), "FLUSH_LIMIT") {
		t.Fatalf("err %v", err)
	}
	clk.Advance(time.Minute)
	ttstest.Done(t, ttstest.Last(say(t, sess, "Four.")))
	if n := len(srv.Sockets()); n != 1 {
		t.Errorf("%d sockets: a refused Flush must not cost the socket", n)
	}
}

func TestSessionRules(t *testing.T) {
	srv := startFake(t, aurafake.Options{})
	sess := open(t, &TTS{}, srv, voice.Telephony, settings())
	ttstest.SessionRules(t, sess, ttstest.Errors{Busy: ErrBusy, Ended: ErrEnded, Closed: ErrClosed}, "Goodbye for now.")
	testkit.Eventually(t, 5*time.Second, func() error {
		if n := srv.Open(); n != 0 {
			return fmt.Errorf("%d sockets open after Close", n)
		}
		return nil
	})
	if got := types(srv.Sockets()[0]); got[len(got)-1] != "Close" {
		t.Errorf("messages %q: want Close last", got)
	}
}

func TestRedialsASocketClosedWhileIdle(t *testing.T) {
	srv := startFake(t, aurafake.Options{IdleTimeout: 30 * time.Millisecond})
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
			srv := startFake(t, aurafake.Options{})
			if f.Kind != fault.None {
				srv.Faults().Next(f, 1)
			}
			_, err := (&TTS{}).OpenTTS(context.Background(), voice.TTSOptions{Settings: settings(), Format: voice.Telephony, Key: key, BaseURL: srv.BaseURL})
			return err
		},
		Key:           testKey,
		StatusOf:      statusOf,
		WrongKey:      "INVALID_AUTH",
		ErrConnection: ErrConnection,
	})
	t.Run("bad query", func(t *testing.T) {
		srv := startFake(t, aurafake.Options{})
		s := settings()
		s.VoiceID = "Not A Voice"
		o := voice.TTSOptions{Settings: s, Format: voice.Telephony, Key: testKey, BaseURL: srv.BaseURL}
		if _, err := (&TTS{}).OpenTTS(context.Background(), o); statusOf(err) != 400 {
			t.Fatalf("err %v", err)
		}
	})
}

func TestStreamFaults(t *testing.T) {
	t.Run("drop", func(t *testing.T) {
		srv := startFake(t, aurafake.Options{Chunk: 20 * time.Millisecond})
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
		// with the service refusing, the redial fails with its status
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
	t.Run("stall", func(t *testing.T) {
		srv := startFake(t, aurafake.Options{Chunk: 20 * time.Millisecond})
		srv.Faults().Next(fault.Fault{Kind: fault.Stall, After: 2}, 1)
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

func TestParseControl(t *testing.T) {
	c, err := parseControl([]byte(`{"type":"Flushed","sequence_id":3}`))
	if err != nil || c.Type != "Flushed" || c.SequenceID == nil || *c.SequenceID != 3 {
		t.Errorf("%+v %v", c, err)
	}
	c, err = parseControl([]byte(`{"type":"Warning","description":"slow down","code":"FLUSH_LIMIT_EXCEEDED"}`))
	if err != nil || c.text() != "FLUSH_LIMIT_EXCEEDED: slow down" {
		t.Errorf("%+v %v", c, err)
	}
	if _, err := parseControl([]byte(`{"type":`)); !errors.Is(err, ErrProtocol) {
		t.Errorf("err %v", err)
	}
}

func FuzzParseControl(f *testing.F) {
	for _, s := range []string{
		`{"type":"Flushed","sequence_id":0}`, `{"type":"Cleared","sequence_id":1}`,
		`{"type":"Metadata","request_id":"x","model_name":"aura-2-thalia-en","model_version":"1","model_uuid":"y"}`,
		`{"type":"Warning","description":"d","code":"c"}`, `{"type":"Error","message":"m"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseControl(data)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("err %v", err)
			}
			return
		}
		_ = c.text()
	})
}
