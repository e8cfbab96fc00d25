package plivo

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// Param is one form parameter of a webhook.
type Param struct{ Name, Value string }

// SignatureV3 computes X-Plivo-Signature-V3 as Plivo's SDKs do: the URL
// without its query, then (for POST) the sorted query as "k=v&…" and a
// dot, then the sorted POST parameters as "kv…" (for GET, parameters join
// the query), then "." and the nonce; HMAC-SHA256 with the auth token,
// base64.
func SignatureV3(token, rawURL, method, nonce string, params []Param) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(signedString(rawURL, method, params) + "." + nonce))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func signedString(rawURL, method string, params []Param) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	base := u.Scheme + "://" + u.Host + u.Path
	query := firstValues(u.Query())
	post := map[string]string{}
	for _, p := range params {
		if _, dup := post[p.Name]; !dup {
			post[p.Name] = p.Value
		}
	}
	if len(post) == 0 && len(query) == 0 {
		return base
	}
	base += "?"
	if method == "GET" {
		for k, v := range post {
			query[k] = v
		}
		return base + sorted(query, true)
	}
	if len(query) > 0 {
		return strings.TrimRight(base+sorted(query, true)+"."+sorted(post, false), ".")
	}
	return base + sorted(post, false)
}

func firstValues(q url.Values) map[string]string {
	m := make(map[string]string, len(q))
	for k, v := range q {
		m[k] = v[0]
	}
	return m
}

// sorted joins a map by key: "k=v&k=v" as a query, "kvkv" otherwise.
func sorted(m map[string]string, asQuery bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if asQuery {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k + "=" + m[k])
		} else {
			b.WriteString(k + m[k])
		}
	}
	return b.String()
}

// ValidV3 checks a signature header, which may hold several signatures
// separated by commas (one per auth token during a rotation).
func ValidV3(token, rawURL, method, nonce string, params []Param, header string) bool {
	if token == "" || nonce == "" || header == "" {
		return false
	}
	want := []byte(SignatureV3(token, rawURL, method, nonce, params))
	ok := false
	for _, s := range strings.Split(header, ",") {
		if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(s)), want) == 1 {
			ok = true
		}
	}
	return ok
}
