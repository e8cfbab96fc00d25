package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/icholy/digest"
)

// nonces are stateless digest nonces: the time they were issued, sealed
// with an HMAC, valid for nonceLife.
type nonces struct {
	key []byte
	now func() time.Time
}

const nonceLife = 5 * time.Minute

func (n nonces) issue() string {
	b := binary.BigEndian.AppendUint64(nil, uint64(n.now().Unix()))
	m := hmac.New(sha256.New, n.key)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(b)[:8+16])
}

// fresh reports whether a nonce is ours and not stale.
func (n nonces) fresh(nonce string) (ours, fresh bool) {
	raw, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(raw) != 8+16 {
		return false, false
	}
	m := hmac.New(sha256.New, n.key)
	m.Write(raw[:8])
	if !hmac.Equal(m.Sum(nil)[:16], raw[8:]) {
		return false, false
	}
	age := n.now().Sub(time.Unix(int64(binary.BigEndian.Uint64(raw[:8])), 0))
	return true, age >= 0 && age < nonceLife
}

func (n nonces) challenge(realm string, stale bool) *digest.Challenge {
	return &digest.Challenge{Realm: realm, Nonce: n.issue(), Algorithm: "MD5", QOP: []string{"auth"}, Stale: stale}
}

// verify checks credentials against a password.
func verify(c *digest.Credentials, realm, method, password string) bool {
	if (c.QOP != "" && c.QOP != "auth") || (c.Algorithm != "" && c.Algorithm != "MD5") {
		return false
	}
	want, err := digest.Digest(&digest.Challenge{Realm: realm, Nonce: c.Nonce, Algorithm: "MD5", QOP: qops(c.QOP), Opaque: c.Opaque},
		digest.Options{Method: method, URI: c.URI, Username: c.Username, Password: password, Cnonce: c.Cnonce, Count: c.Nc})
	return err == nil && hmac.Equal([]byte(want.Response), []byte(c.Response))
}

func qops(q string) []string {
	if q == "" {
		return nil
	}
	return []string{q}
}
