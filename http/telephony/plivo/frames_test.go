package plivo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

var frame20ms = bytes.Repeat([]byte{0x7E, 0x01, 0xFF, 0x80}, 40)

func mediaMessage(payload []byte) []byte {
	return []byte(`{"event":"media","sequenceNumber":4,"streamId":"20170ada-f610-433b-8758-c02a2aab3662","media":{"track":"inbound",` +
		`"timestamp":"1681974512315","chunk":3,"payload":"` + base64.StdEncoding.EncodeToString(payload) + `"},"extra_headers":"{}"}`)
}

func TestDecode(t *testing.T) {
	var d decoder
	var r telephonytest.Receiver
	for _, msg := range []string{
		`{"event":"start","sequenceNumber":0,"start":{"callId":"c","streamId":"s","accountId":"MA1","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":"{}"}`,
		string(mediaMessage(frame20ms)),
		`{"event":"dtmf","sequenceNumber":5,"streamId":"s","dtmf":{"digit":"9","track":"inbound","timestamp":"1"}}`,
		`{"event":"playedStream","sequenceNumber":6,"streamId":"s","name":"2:1600"}`,
		`{"event":"clearedAudio","sequenceNumber":7,"streamId":"s"}`,
		`{"event":"stop","sequenceNumber":8,"streamId":"s"}`,
	} {
		if err := d.Decode(websocket.TextMessage, []byte(msg), &r); err != nil {
			t.Fatalf("%s: %v", msg, err)
		}
	}
	if len(r.Frames) != 1 || !bytes.Equal(r.Frames[0], frame20ms) || r.Digits[0] != "9" || r.Marks[0] != "2:1600" || !r.Stopped {
		t.Fatalf("received %+v", r)
	}
	for _, bad := range []string{`{"event":"media","media":{"payload":"a"}}`, `{"event":"playedStream"}`, `{"event":"dtmf","dtmf":"12"}`, `{`} {
		if err := d.Decode(websocket.TextMessage, []byte(bad), &r); !errors.Is(err, telephony.ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestEncode(t *testing.T) {
	e := &encoder{sid: telephony.AppendJSONString(nil, "s1")}
	var msg struct {
		Event, StreamID, Name string
		Media                 struct {
			ContentType string
			SampleRate  int
			Payload     string
		}
	}
	b, _ := e.Audio(nil, frame20ms)
	if err := json.Unmarshal(b, &msg); err != nil || msg.Event != "playAudio" || msg.Media.ContentType != "audio/x-mulaw" ||
		msg.Media.SampleRate != 8000 || msg.Media.Payload != base64.StdEncoding.EncodeToString(frame20ms) {
		t.Fatalf("%s %v", b, err)
	}
	b, _ = e.Mark(nil, "1:800")
	if err := json.Unmarshal(b, &msg); err != nil || msg.Event != "checkpoint" || msg.StreamID != "s1" || msg.Name != "1:800" {
		t.Fatalf("%s %v", b, err)
	}
	if b, _ := e.Clear(nil); string(b) != `{"event":"clearAudio","streamId":"s1"}` {
		t.Fatalf("%s", b)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(mediaMessage(frame20ms))
	f.Add([]byte(`{"event":"playedStream","name":"x"}`))
	f.Add([]byte(`{"event":"start","start":{"mediaFormat":{"sampleRate":8000}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d decoder
		var r telephonytest.Receiver
		_ = d.Decode(websocket.TextMessage, b, &r)
		var sc telephony.Scanner
		_ = scanFrame(&sc, b, &frame{start: &Start{}})
	})
}

// Every signature the SDK way verifies; nothing panics on any URL.
func FuzzSignatureV3(f *testing.F) {
	f.Add("token", "https://x.test/answer?b=2&a=1", "POST", "nonce", "CallUUID", "abc", "")
	f.Fuzz(func(t *testing.T, token, url, method, nonce, name, value, header string) {
		params := []Param{{name, value}}
		ValidV3(token, url, method, nonce, params, header)
		if token != "" && nonce != "" && !ValidV3(token, url, method, nonce, params, SignatureV3(token, url, method, nonce, params)) {
			t.Fatalf("own signature refused: %q", url)
		}
	})
}

func BenchmarkDecodeMedia(b *testing.B) {
	msg := mediaMessage(frame20ms)
	var d decoder
	var r telephonytest.Receiver
	b.ReportAllocs()
	for b.Loop() {
		r.Frames = r.Frames[:0]
		if err := d.Decode(websocket.TextMessage, msg, &r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeAudio(b *testing.B) {
	e := &encoder{sid: telephony.AppendJSONString(nil, "20170ada-f610-433b-8758-c02a2aab3662")}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = e.Audio(buf[:0], frame20ms)
	}
}
