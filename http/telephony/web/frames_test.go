package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

var frame20ms = bytes.Repeat([]byte{0x10, 0x27, 0xF0, 0xD8}, 160)

func TestDecode(t *testing.T) {
	var d decoder
	var r telephonytest.Receiver
	if err := d.Decode(websocket.BinaryMessage, frame20ms, &r); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{`{"type":"dtmf","digits":"12#"}`, `{"type":"mark","name":"1:640"}`, `{"type":"future","x":1}`, `{"type":"hangup"}`} {
		if err := d.Decode(websocket.TextMessage, []byte(msg), &r); err != nil {
			t.Fatalf("%s: %v", msg, err)
		}
	}
	if len(r.Frames) != 1 || r.Digits[0] != "12#" || r.Marks[0] != "1:640" || !r.Stopped {
		t.Fatalf("received %+v", r)
	}
	for _, bad := range []string{`{"type":"dtmf","digits":"1x"}`, `{"type":"dtmf"}`, `{"type":"mark"}`, `{}`, `[1]`} {
		if err := d.Decode(websocket.TextMessage, []byte(bad), &r); !errors.Is(err, telephony.ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestEncode(t *testing.T) {
	var msg struct{ Type, Name, Digits, Reason string }
	for _, b := range [][]byte{
		first(encoder{}.Mark(nil, "1:640")), first(encoder{}.Clear(nil)), first(encoder{}.DTMF(nil, "42#")),
		first(encoder{}.End(nil, "assistant-ended-call")),
	} {
		if err := json.Unmarshal(b, &msg); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	}
	if msg.Type != "hangup" || msg.Reason != "assistant-ended-call" {
		t.Fatalf("%+v", msg)
	}
}

func first(b []byte, _ int) []byte { return b }

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"dtmf","digits":"1"}`), false)
	f.Add(frame20ms, true)
	f.Fuzz(func(t *testing.T, b []byte, binary bool) {
		var d decoder
		var r telephonytest.Receiver
		mt := websocket.TextMessage
		if binary {
			mt = websocket.BinaryMessage
		}
		_ = d.Decode(mt, b, &r)
		for _, dg := range r.Digits {
			if !validDigits([]byte(dg)) {
				t.Fatalf("digits %q passed on", dg)
			}
		}
	})
}

func BenchmarkDecodeMedia(b *testing.B) {
	var d decoder
	var r telephonytest.Receiver
	b.ReportAllocs()
	for b.Loop() {
		r.Frames = r.Frames[:0]
		if err := d.Decode(websocket.BinaryMessage, frame20ms, &r); err != nil {
			b.Fatal(err)
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
