package twilio

import "testing"

// The vectors of docs/reference/protocols.md §1.5 (recomputed there with Python's hmac).
var vectorParams = []Param{
	{"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675309"}, {"Digits", "1234"},
	{"From", "+14158675309"}, {"To", "+18005551212"},
}

func TestSignatureVectors(t *testing.T) {
	const url = "https://mycompany.com/myapp.php?foo=1&bar=2"
	if got := Signature("12345", url, vectorParams); got != "RSOYDt4T1cUTdK1PDd93/VVr8B8=" {
		t.Fatalf("signature %q", got)
	}
	if got := Signature("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", vectorParams); got != "kvajT1Ptam85bY51eRf/AJRuM3w=" {
		t.Fatalf("signature with port %q", got)
	}
	old := []Param{{"CallSid", "CA1234567890ABCDE"}, {"Caller", "+12349013030"}, {"Digits", "1234"},
		{"From", "+12349013030"}, {"To", "+18005551212"}}
	if got := Signature("12345", url, old); got != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" {
		t.Fatalf("older docs example %q", got)
	}
}

func TestValidAcceptsPortVariants(t *testing.T) {
	const bare, ported = "https://mycompany.com/myapp.php?foo=1&bar=2", "https://mycompany.com:443/myapp.php?foo=1&bar=2"
	for _, tc := range []struct {
		url, sig string
		ok       bool
	}{
		{bare, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{bare, "kvajT1Ptam85bY51eRf/AJRuM3w=", true},   // signed with the port
		{ported, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true}, // signed without
		{ported, "kvajT1Ptam85bY51eRf/AJRuM3w=", true},
		{bare, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", false},
		{bare, "", false},
	} {
		if got := Valid("12345", tc.url, vectorParams, tc.sig); got != tc.ok {
			t.Errorf("Valid(%s, %s) = %v", tc.url, tc.sig, got)
		}
	}
	if Valid("", bare, vectorParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8=") || Valid("54321", bare, vectorParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8=") {
		t.Fatal("wrong token accepted")
	}
	// A websocket URL over wss with its default port.
	ws := "wss://switchboard.test/telephony/twilio/stream"
	if !Valid("tok", ws, nil, Signature("tok", "wss://switchboard.test:443/telephony/twilio/stream", nil)) {
		t.Fatal("wss port variant refused")
	}
}

func TestValidJSONVector(t *testing.T) {
	body := []byte(`{"property": "value", "boolean": true}`)
	const url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	if got := Signature("12345", url, nil); got != "a9nBmqA0ju/hNViExpshrM61xv4=" {
		t.Fatalf("signature %q", got)
	}
	if !ValidJSON("12345", url, body, "a9nBmqA0ju/hNViExpshrM61xv4=") {
		t.Fatal("valid JSON webhook refused")
	}
	if ValidJSON("12345", url, []byte(`{"property": "other"}`), "a9nBmqA0ju/hNViExpshrM61xv4=") {
		t.Fatal("tampered body accepted")
	}
}

// Repeated names sort by value, as twilio-node does.
func TestRepeatedParamsSortByValue(t *testing.T) {
	a := Signature("t", "https://x.test/", []Param{{"A", "2"}, {"A", "1"}})
	b := Signature("t", "https://x.test/", []Param{{"A", "1"}, {"A", "2"}})
	if a != b {
		t.Fatal("order of repeated params matters")
	}
}
