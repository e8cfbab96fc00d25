package vonage

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

var frame20ms = bytes.Repeat([]byte{0x10, 0x27, 0xF0, 0xD8}, 160) // 640 bytes: 20 ms at 16 kHz

func TestDecode(t *testing.T) {
	var d decoder
	var r telephonytest.Receiver
	if err := d.Decode(websocket.BinaryMessage, frame20ms, &r); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{
		`{"event":"websocket:connected","content-type":"audio/l16;rate=16000"}`,
		`{"event":"websocket:dtmf","digit":"5","duration":260}`,
		`{"event":"websocket:notify","payload":{"mark":"2:3200"}}`,
		`{"event":"websocket:cleared"}`,
	} {
		if err := d.Decode(websocket.TextMessage, []byte(msg), &r); err != nil {
			t.Fatalf("%s: %v", msg, err)
		}
	}
	if len(r.Frames) != 1 || !bytes.Equal(r.Frames[0], frame20ms) || &r.Frames[0][0] == &frame20ms[0] ||
		r.Digits[0] != "5" || r.Marks[0] != "2:3200" {
		t.Fatalf("received %+v", r)
	}
	if err := d.Decode(websocket.BinaryMessage, []byte{1, 2, 3}, &r); !errors.Is(err, telephony.ErrMalformed) {
		t.Fatalf("odd PCM16: %v", err)
	}
	for _, bad := range []string{`{"event":"websocket:dtmf"}`, `{}`, `{"event":1}`} {
		if err := d.Decode(websocket.TextMessage, []byte(bad), &r); !errors.Is(err, telephony.ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestEncode(t *testing.T) {
	if b, mt := (encoder{}).Audio(nil, frame20ms); mt != websocket.BinaryMessage || !bytes.Equal(b, frame20ms) {
		t.Fatal("audio not sent as is")
	}
	var msg struct {
		Action  string
		Payload struct{ Mark string }
	}
	b, _ := encoder{}.Mark(nil, "1:640")
	if err := json.Unmarshal(b, &msg); err != nil || msg.Action != "notify" || msg.Payload.Mark != "1:640" {
		t.Fatalf("%s %v", b, err)
	}
	if b, _ := (encoder{}).Clear(nil); string(b) != `{"action":"clear"}` {
		t.Fatalf("%s", b)
	}
}

func TestJWTs(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tok, err := SignCallback("secret", Claims{ApplicationID: "app", IssuedAt: now.Unix(), ID: "1", PayloadHash: PayloadHash([]byte("{}"))})
	if err != nil {
		t.Fatal(err)
	}
	c, err := VerifyCallback("secret", tok, now, time.Minute)
	if err != nil || c.ApplicationID != "app" || c.PayloadHash != PayloadHash([]byte("{}")) {
		t.Fatalf("%+v %v", c, err)
	}
	for name, bad := range map[string]func() error{
		"wrong secret": func() error { _, err := VerifyCallback("other", tok, now, time.Minute); return err },
		"stale":        func() error { _, err := VerifyCallback("secret", tok, now.Add(2*time.Minute), time.Minute); return err },
		"alg none": func() error {
			_, err := VerifyCallback("secret", b64.EncodeToString([]byte(`{"alg":"none"}`))+"."+b64.EncodeToString([]byte(`{"iat":1800000000}`))+".", now, time.Minute)
			return err
		},
		"garbage": func() error { _, err := VerifyCallback("secret", "a.b.c", now, time.Minute); return err },
	} {
		if err := bad(); !errors.Is(err, telephony.ErrBadSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	parsed, err := ParsePrivateKey(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	if err != nil {
		t.Fatal(err)
	}
	pkcs1, err := ParsePrivateKey(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	if err != nil || !pkcs1.Equal(parsed) {
		t.Fatalf("PKCS#1: %v", err)
	}
	api, err := APIToken(parsed, "app", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := VerifyAPIToken(&key.PublicKey, api, now); err != nil || c.ApplicationID != "app" {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := VerifyAPIToken(&key.PublicKey, api, now.Add(2*time.Minute)); err == nil {
		t.Fatal("an expired API token verified")
	}
}

func TestE164(t *testing.T) {
	for in, want := range map[string]string{"447700900000": "+447700900000", "+15550001111": "+15550001111",
		"": "", "sip:a@b": "sip:a@b", "Unknown": "Unknown"} {
		if got := e164(in); got != want {
			t.Errorf("e164(%q) = %q", in, got)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"event":"websocket:notify","payload":{"mark":"x"}}`), false)
	f.Add(frame20ms, true)
	f.Fuzz(func(t *testing.T, b []byte, binary bool) {
		var d decoder
		var r telephonytest.Receiver
		mt := websocket.TextMessage
		if binary {
			mt = websocket.BinaryMessage
		}
		if err := d.Decode(mt, b, &r); binary && err == nil && len(b) > 0 && !bytes.Equal(r.Frames[0], b) {
			t.Fatal("audio altered")
		}
	})
}

func FuzzVerifyCallback(f *testing.F) {
	f.Add("secret", "eyJhbGciOiJIUzI1NiJ9.e30.x", int64(1_800_000_000))
	f.Fuzz(func(t *testing.T, secret, token string, iat int64) {
		now := time.Unix(1_800_000_000, 0)
		_, _ = VerifyCallback(secret, token, now, time.Minute)
		if secret == "" {
			return
		}
		tok, err := SignCallback(secret, Claims{IssuedAt: iat, ID: token})
		if err != nil {
			t.Fatal(err)
		}
		_, err = VerifyCallback(secret, tok, now, time.Minute)
		if fresh := iat >= now.Unix()-60 && iat <= now.Unix()+60; fresh != (err == nil) {
			t.Fatalf("iat %d: %v", iat, err)
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
