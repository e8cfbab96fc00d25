package telnyx

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

var frame20ms = bytes.Repeat([]byte{0x7E, 0x01, 0xFF, 0x80}, 40)

func mediaMessage(chunk int, payload []byte) []byte {
	return []byte(`{"event":"media","sequence_number":"4","media":{"track":"inbound","chunk":"` + strconv.Itoa(chunk) +
		`","timestamp":"5","payload":"` + base64.StdEncoding.EncodeToString(payload) + `"},"stream_id":"32de0dea"}`)
}

func newDecoder() *decoder { return &decoder{log: slog.New(slog.DiscardHandler)} }

func TestDecode(t *testing.T) {
	d := newDecoder()
	var r telephonytest.Receiver
	for _, msg := range []string{
		`{"event":"connected","version":"1.0.0"}`,
		string(mediaMessage(1, frame20ms)),
		`{"event":"dtmf","sequence_number":"5","dtmf":{"digit":"7"},"stream_id":"x"}`,
		`{"event":"mark","sequence_number":"6","stream_id":"x","mark":{"name":"b:160"}}`,
		`{"event":"error","sequence_number":"7","stream_id":"x","payload":{"code":100002,"title":"unknown error","detail":"x"}}`,
		`{"event":"stop","sequence_number":"8","stop":{"user_id":"u","call_control_id":"v3:1"},"stream_id":"x"}`,
	} {
		if err := d.Decode(websocket.TextMessage, []byte(msg), &r); err != nil {
			t.Fatalf("%s: %v", msg, err)
		}
	}
	if len(r.Frames) != 1 || !bytes.Equal(r.Frames[0], frame20ms) || r.Digits[0] != "7" || r.Marks[0] != "b:160" || !r.Stopped {
		t.Fatalf("received %+v", r)
	}
	for _, bad := range []string{`{"event":"media","media":{"chunk":"-1","payload":""}}`, `{"event":"media","media":{"payload":"%%"}}`,
		`{"event":"dtmf","dtmf":{}}`, `{"event":"mark"}`, `{}`, `{"event":`} {
		if err := d.Decode(websocket.TextMessage, []byte(bad), &r); !errors.Is(err, telephony.ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// Media is put back in order; a frame lost for good is skipped after a
// few, and late ones are dropped.
func TestReorder(t *testing.T) {
	d := newDecoder()
	var r telephonytest.Receiver
	send := func(chunks ...int) {
		for _, c := range chunks {
			if err := d.Decode(websocket.TextMessage, mediaMessage(c, []byte{byte(c)}), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := func() []int {
		var out []int
		for _, f := range r.Frames {
			out = append(out, int(f[0]))
		}
		return out
	}
	send(1, 3, 2, 4, 6, 7, 8, 9, 10, 5, 11)
	want := []int{1, 2, 3, 4, 6, 7, 8, 9, 10, 11} // 5 waited for past four frames, then came late
	if g := got(); len(g) != len(want) || !equal(g, want) {
		t.Fatalf("delivered %v, want %v", g, want)
	}
	r.Reset()
	send(13, 12) // 12 is the next expected; 13 waits for it
	if err := d.Decode(websocket.TextMessage, []byte(`{"event":"stop"}`), &r); err != nil {
		t.Fatal(err)
	}
	if g := got(); !equal(g, []int{12, 13}) || !r.Stopped {
		t.Fatalf("delivered %v", g)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEncode(t *testing.T) {
	var msg struct {
		Event string
		Media struct{ Payload string }
		Mark  struct{ Name string }
	}
	b, _ := encoder{}.Audio(nil, frame20ms)
	if err := json.Unmarshal(b, &msg); err != nil || msg.Event != "media" || msg.Media.Payload != base64.StdEncoding.EncodeToString(frame20ms) {
		t.Fatalf("%s %v", b, err)
	}
	b, _ = encoder{}.Mark(nil, "1:800")
	if err := json.Unmarshal(b, &msg); err != nil || msg.Mark.Name != "1:800" {
		t.Fatalf("%s %v", b, err)
	}
	if b, _ := (encoder{}).Clear(nil); string(b) != `{"event":"clear"}` {
		t.Fatalf("%s", b)
	}
}

func TestVerify(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"data":{"event_type":"call.initiated"}}`)
	sig := Sign(key, ts, body)
	if i, err := Verify([]ed25519.PublicKey{other, pub}, ts, sig, body, now, DefaultTolerance); err != nil || i != 1 {
		t.Fatalf("%d %v", i, err)
	}
	for name, tc := range map[string]struct {
		ts, sig string
		body    []byte
		now     time.Time
	}{
		"tampered body": {ts, sig, []byte(`{"data":{}}`), now},
		"other time":    {strconv.FormatInt(now.Unix()+1, 10), sig, body, now},
		"stale":         {ts, sig, body, now.Add(6 * time.Minute)},
		"early":         {ts, sig, body, now.Add(-6 * time.Minute)},
		"no signature":  {ts, "", body, now},
		"no timestamp":  {"", sig, body, now},
	} {
		if _, err := Verify([]ed25519.PublicKey{pub}, tc.ts, tc.sig, tc.body, tc.now, DefaultTolerance); !errors.Is(err, telephony.ErrBadSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(mediaMessage(1, frame20ms))
	f.Add([]byte(`{"event":"dtmf","dtmf":{"digit":"1"}}`))
	f.Add([]byte(`{"event":"error","payload":"x"}`))
	f.Add([]byte(`{"event":"start","start":{"client_state":null}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := newDecoder()
		var r telephonytest.Receiver
		_ = d.Decode(websocket.TextMessage, b, &r)
		_ = d.Decode(websocket.TextMessage, b, &r) // again, through the reorder state
		var sc telephony.Scanner
		_ = scanFrame(&sc, b, &frame{start: &Start{}})
	})
}

// Webhook bodies: the signature check and the event parse never panic,
// and a body the key signed verifies.
func FuzzWebhook(f *testing.F) {
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	f.Add([]byte(`{"data":{"event_type":"call.initiated","payload":{"call_control_id":"v3:1"}}}`), "1800000000", "")
	f.Fuzz(func(t *testing.T, body []byte, ts, sig string) {
		now := time.Unix(1_800_000_000, 0)
		_, _ = Verify([]ed25519.PublicKey{pub}, ts, sig, body, now, DefaultTolerance)
		if _, err := Verify([]ed25519.PublicKey{pub}, "1800000000", Sign(key, "1800000000", body), body, now, DefaultTolerance); err != nil {
			t.Fatal(err)
		}
		_, _ = parseEvent(body)
	})
}

func BenchmarkDecodeMedia(b *testing.B) {
	d := newDecoder()
	var r telephonytest.Receiver
	msgs := make([][]byte, 1024)
	for i := range msgs {
		msgs[i] = mediaMessage(i+1, frame20ms)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.Frames = r.Frames[:0]
		if err := d.Decode(websocket.TextMessage, msgs[i%len(msgs)], &r); err != nil {
			b.Fatal(err)
		}
		if i++; i%len(msgs) == 0 {
			d = newDecoder() // chunk numbers start again
		}
	}
}

func BenchmarkEncodeAudio(b *testing.B) {
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = encoder{}.Audio(buf[:0], frame20ms)
	}
}
