package twilio

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

const sid = "MZ0123456789abcdef0123456789abcdef"

var frame20ms = bytes.Repeat([]byte{0x7E, 0x01, 0xFF, 0x80}, 40) // 160 bytes

func mediaMessage(payload []byte) []byte {
	return []byte(`{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"2","timestamp":"5",` +
		`"payload":"` + base64.StdEncoding.EncodeToString(payload) + `"},"streamSid":"` + sid + `"}`)
}

func TestDecode(t *testing.T) {
	var d decoder
	var r telephonytest.Receiver
	for _, msg := range []string{
		`{"event":"connected","protocol":"Call","version":"1.0.0"}`,
		string(mediaMessage(frame20ms)),
		`{"event":"media","media":{"track":"outbound","payload":"AAAA"},"streamSid":"x"}`,
		`{"event":"dtmf","streamSid":"x","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"#"}}`,
		`{"event":"mark","sequenceNumber":"6","streamSid":"x","mark":{"name":"3:4800"}}`,
		`{"event":"somethingNew","whatever":[1,2,{"x":null}]}`,
		`{"event":"stop","sequenceNumber":"7","stop":{"accountSid":"AC1","callSid":"CA1"},"streamSid":"x"}`,
	} {
		if err := d.Decode(websocket.TextMessage, []byte(msg), &r); err != nil {
			t.Fatalf("%s: %v", msg, err)
		}
	}
	if len(r.Frames) != 1 || !bytes.Equal(r.Frames[0], frame20ms) || len(r.Digits) != 1 || r.Digits[0] != "#" ||
		len(r.Marks) != 1 || r.Marks[0] != "3:4800" || !r.Stopped {
		t.Fatalf("received %+v", r)
	}
	for _, bad := range []string{`{"event":"media","media":{"payload":"!!"}}`, `{"event":"dtmf","dtmf":{"digit":"12"}}`,
		`{"event":"mark","mark":{}}`, `{"media":{}}`, `{"event":"media"`, `[]`, ``} {
		if err := d.Decode(websocket.TextMessage, []byte(bad), &r); !errors.Is(err, telephony.ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if err := d.Decode(websocket.BinaryMessage, frame20ms, &r); !errors.Is(err, telephony.ErrMalformed) {
		t.Errorf("binary: %v", err)
	}
}

// What the encoder writes is what Twilio documents.
func TestEncode(t *testing.T) {
	e := newEncoder(sid)
	var msg struct {
		Event, StreamSid string
		Media            struct{ Payload string }
		Mark             struct{ Name string }
	}
	b, mt := e.Audio(nil, frame20ms)
	if err := json.Unmarshal(b, &msg); err != nil || mt != websocket.TextMessage || msg.Event != "media" || msg.StreamSid != sid ||
		msg.Media.Payload != base64.StdEncoding.EncodeToString(frame20ms) {
		t.Fatalf("%s %v", b, err)
	}
	b, _ = e.Mark(nil, `odd "name"`)
	if err := json.Unmarshal(b, &msg); err != nil || msg.Event != "mark" || msg.Mark.Name != `odd "name"` {
		t.Fatalf("%s %v", b, err)
	}
	b, _ = e.Clear(nil)
	if string(b) != `{"event":"clear","streamSid":"`+sid+`"}` {
		t.Fatalf("%s", b)
	}
}

func TestStart(t *testing.T) {
	var sc telephony.Scanner
	f := frame{start: &Start{}}
	msg := `{"event":"start","sequenceNumber":"1","start":{"streamSid":"` + sid + `","accountSid":"AC1","callSid":"CA1",` +
		`"tracks":["inbound"],"customParameters":{"ticket":"t.x"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"` + sid + `"}`
	if err := scanFrame(&sc, []byte(msg), &f); err != nil {
		t.Fatal(err)
	}
	st := f.start
	if st.StreamSID != sid || st.AccountSID != "AC1" || st.CallSID != "CA1" || st.Params["ticket"] != "t.x" ||
		st.Encoding != "audio/x-mulaw" || st.SampleRate != 8000 || st.Channels != 1 {
		t.Fatalf("start %+v", st)
	}
}

// Differential fuzzing against encoding/json: every well-formed media
// message decodes to the payload encoding/json finds, and nothing panics.
func FuzzDecode(f *testing.F) {
	f.Add(mediaMessage(frame20ms))
	f.Add([]byte(`{"event":"dtmf","dtmf":{"digit":"1"}}`))
	f.Add([]byte(`{"event":"mark","mark":{"name":"a\"b"}}`))
	f.Add([]byte(`{"event":"stop"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d decoder
		var r telephonytest.Receiver
		err := d.Decode(websocket.TextMessage, b, &r)
		// Keys match exactly (encoding/json's struct fields would not).
		var msg map[string]any
		if json.Unmarshal(b, &msg) != nil || msg["event"] != "media" {
			return
		}
		for _, k := range []string{"media", "dtmf", "mark", "start"} { // the decoder reads these as objects
			if v, has := msg[k]; has {
				if _, ok := v.(map[string]any); !ok {
					return
				}
			}
		}
		media, _ := msg["media"].(map[string]any)
		payload, isString := media["payload"].(string)
		track, trackOK := media["track"].(string)
		if _, has := media["track"]; (has && !trackOK) || !isString || (track != "" && track != "inbound") {
			return
		}
		want, werr := base64.StdEncoding.DecodeString(payload)
		switch {
		case werr != nil && err == nil:
			t.Fatalf("bad payload accepted: %q", b)
		case werr == nil && err != nil && depthOK(b):
			t.Fatalf("media refused: %q: %v", b, err)
		case werr == nil && err == nil && len(want) > 0 && (len(r.Frames) != 1 || !bytes.Equal(r.Frames[0], want)):
			t.Fatalf("media %q decoded as %v", b, r.Frames)
		}
	})
}

// depthOK: the scanner refuses documents nested deeper than encoding/json.
func depthOK(b []byte) bool { return bytes.Count(b, []byte("{"))+bytes.Count(b, []byte("[")) < 32 }

func FuzzValid(f *testing.F) {
	f.Add("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", "CallSid", "CA1", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
	f.Add("t", "wss://h.test:443/s", "", "", "")
	f.Fuzz(func(t *testing.T, token, url, name, value, sig string) {
		params := []Param{{name, value}}
		Valid(token, url, params, sig)
		if token != "" && !Valid(token, url, params, Signature(token, url, params)) {
			t.Fatalf("own signature refused for %q", url)
		}
		if alt, ok := togglePort(url); ok && token != "" && !Valid(token, url, params, Signature(token, alt, params)) {
			t.Fatalf("port variant %q of %q refused", alt, url)
		}
	})
}

func FuzzValidJSON(f *testing.F) {
	f.Add("12345", "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
		[]byte(`{"property": "value", "boolean": true}`), "a9nBmqA0ju/hNViExpshrM61xv4=")
	f.Fuzz(func(t *testing.T, token, url string, body []byte, sig string) {
		ValidJSON(token, url, body, sig)
	})
}

func BenchmarkDecodeMedia(b *testing.B) {
	msg := mediaMessage(frame20ms)
	var d decoder
	var r telephonytest.Receiver
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		r.Frames = r.Frames[:0]
		if err := d.Decode(websocket.TextMessage, msg, &r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeAudio(b *testing.B) {
	e := newEncoder(sid)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = e.Audio(buf[:0], frame20ms)
	}
}

// The upgrade's signature check: a table lookup whatever the number of
// accounts (10 000 here), against an HMAC per account tried in turn.
func BenchmarkUpgradeSignature(b *testing.B) {
	u := newUpgradeKeys(nil, "wss://switchboard.test/telephony/twilio/stream")
	var creds []telephony.Credentials
	for i := range 10000 {
		creds = append(creds, telephony.Credentials{Twilio: &telephony.TwilioAccount{AccountSID: "AC" + string(rune(i)),
			AuthToken: base64.StdEncoding.EncodeToString([]byte{byte(i), byte(i >> 8), 1, 2, 3})}})
	}
	u.rebuild(creds, 1)
	sig := Signature(creds[9999].Twilio.AuthToken, u.url, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := u.lookup(sig); !ok {
			b.Fatal("not found")
		}
	}
}

// Reference: the same message decoded by encoding/json into a struct.
func BenchmarkDecodeMediaEncodingJSON(b *testing.B) {
	msg := mediaMessage(frame20ms)
	b.ReportAllocs()
	for b.Loop() {
		var m struct {
			Event string `json:"event"`
			Media struct {
				Track   string `json:"track"`
				Payload []byte `json:"payload"`
			} `json:"media"`
			StreamSid string `json:"streamSid"`
		}
		if err := json.Unmarshal(msg, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// Reference: one HMAC-SHA1 signature, what checking an upgrade would cost
// per account without the table.
func BenchmarkSignature(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Signature("0123456789abcdef0123456789abcdef", "wss://switchboard.test/telephony/twilio/stream", nil)
	}
}
