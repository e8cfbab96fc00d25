package plivo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"testing"
)

// The signed string follows Plivo's SDKs (plivo-go utils.go GenerateUrl);
// the HMAC is recomputed here independently.
func TestSignatureV3SignedString(t *testing.T) {
	params := []Param{{"To", "+15550001111"}, {"CallUUID", "abc"}, {"From", "+15557654321"}}
	for _, tc := range []struct{ url, method, want string }{
		{"https://x.test/answer", "POST", "https://x.test/answer?CallUUIDabcFrom+15557654321To+15550001111"},
		{"https://x.test/answer?b=2&a=1", "POST", "https://x.test/answer?a=1&b=2.CallUUIDabcFrom+15557654321To+15550001111"},
		{"https://x.test/answer?b=2", "GET", "https://x.test/answer?CallUUID=abc&From=+15557654321&To=+15550001111&b=2"},
	} {
		if got := signedString(tc.url, tc.method, params); got != tc.want {
			t.Errorf("%s %s: %q", tc.method, tc.url, got)
		}
	}
	if got := signedString("https://x.test/answer?a=1", "POST", nil); got != "https://x.test/answer?a=1" {
		t.Errorf("no params: %q", got)
	}
	m := hmac.New(sha256.New, []byte("token"))
	m.Write([]byte("https://x.test/answer?CallUUIDabcFrom+15557654321To+15550001111.nonce1"))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := SignatureV3("token", "https://x.test/answer", "POST", "nonce1", params); got != want {
		t.Fatalf("signature %q, want %q", got, want)
	}
	if !ValidV3("token", "https://x.test/answer", "POST", "nonce1", params, "bogus,"+want) {
		t.Fatal("one of several signatures refused")
	}
	if ValidV3("other", "https://x.test/answer", "POST", "nonce1", params, want) || ValidV3("token", "https://x.test/answer", "POST", "nonce2", params, want) {
		t.Fatal("wrong token or nonce accepted")
	}
}
