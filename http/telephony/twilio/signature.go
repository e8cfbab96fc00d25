package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
)

// Param is one form parameter of a webhook.
type Param struct{ Name, Value string }

// Signature computes X-Twilio-Signature for a request: HMAC-SHA1, keyed
// with the account's auth token, over the full URL followed by every POST
// parameter's name and value, sorted by name (then value, for repeated
// names, as twilio-node does), base64.
func Signature(token, rawURL string, params []Param) string {
	sorted := slices.Clone(params)
	slices.SortStableFunc(sorted, func(a, b Param) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(rawURL))
	for _, p := range sorted {
		m.Write([]byte(p.Name))
		m.Write([]byte(p.Value))
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Valid checks a signature over the URL both as given and with its port
// toggled (the default port added, or an explicit one removed), since
// Twilio's own SDKs accept either.
func Valid(token, rawURL string, params []Param, signature string) bool {
	if token == "" || signature == "" {
		return false
	}
	ok := equal(Signature(token, rawURL, params), signature)
	if alt, has := togglePort(rawURL); has {
		ok = equal(Signature(token, alt, params), signature) || ok
	}
	return ok
}

// ValidJSON checks a JSON-body webhook: the signature covers the URL
// (with its bodySHA256 query parameter) and no parameters, and
// bodySHA256 must be the hex SHA-256 of the raw body.
func ValidJSON(token, rawURL string, body []byte, signature string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(body)
	want := u.Query().Get("bodySHA256")
	return Valid(token, rawURL, nil, signature) && subtle.ConstantTimeCompare([]byte(want), []byte(hex.EncodeToString(sum[:]))) == 1
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// togglePort returns the URL with an explicit port removed, or with the
// scheme's default port added.
func togglePort(rawURL string) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "", false
	}
	if u.Port() != "" {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // IPv6 literal
			u.Host = "[" + u.Host + "]"
		}
		return u.String(), true
	}
	switch u.Scheme {
	case "https", "wss":
		u.Host += ":443"
	case "http", "ws":
		u.Host += ":80"
	default:
		return "", false
	}
	return u.String(), true
}
