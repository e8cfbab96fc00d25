package vonage

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

var b64 = base64.RawURLEncoding

// Claims are the JWT claims the gateway reads or writes.
type Claims struct {
	ApplicationID string `json:"application_id,omitempty"`
	APIKey        string `json:"api_key,omitempty"`
	IssuedAt      int64  `json:"iat"`
	Expires       int64  `json:"exp,omitempty"`
	ID            string `json:"jti"`
	PayloadHash   string `json:"payload_hash,omitempty"` // hex SHA-256 of a signed webhook's body
}

func encode(alg string, c Claims) (string, error) {
	head, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(head) + "." + b64.EncodeToString(body), nil
}

// SignCallback signs a webhook JWT as Vonage does: HS256 with the
// account's signature secret.
func SignCallback(secret string, c Claims) (string, error) {
	unsigned, err := encode("HS256", c)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(unsigned))
	return unsigned + "." + b64.EncodeToString(m.Sum(nil)), nil
}

// VerifyCallback checks a webhook JWT against a signature secret: HS256
// only (a token naming another algorithm is refused), signed by secret,
// issued within tolerance of now.
func VerifyCallback(secret, token string, now time.Time, tolerance time.Duration) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || secret == "" {
		return Claims{}, telephony.ErrBadSignature
	}
	var head struct {
		Alg string `json:"alg"`
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &head) != nil || head.Alg != "HS256" {
		return Claims{}, fmt.Errorf("%w: not an HS256 token", telephony.ErrBadSignature)
	}
	sig, err := b64.DecodeString(parts[2])
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(parts[0] + "." + parts[1]))
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return Claims{}, telephony.ErrBadSignature
	}
	var c Claims
	cb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(cb, &c) != nil {
		return Claims{}, fmt.Errorf("%w: claims", telephony.ErrBadSignature)
	}
	if d := now.Sub(time.Unix(c.IssuedAt, 0)); d > tolerance || d < -tolerance {
		return Claims{}, fmt.Errorf("%w: issued %v from now", telephony.ErrBadSignature, d.Round(time.Second))
	}
	return c, nil
}

// PayloadHash is the payload_hash of a webhook body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// ParsePrivateKey reads an application's RSA private key (PEM, PKCS#8 or
// PKCS#1).
func ParsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("vonage: private key: no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, errors.New("vonage: private key is not RSA")
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("vonage: private key: %w", err)
	}
	return k, nil
}

// APIToken signs the JWT the Voice API wants: RS256 with the
// application's private key, valid for ttl.
func APIToken(key *rsa.PrivateKey, applicationID string, now time.Time, ttl time.Duration) (string, error) {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	unsigned, err := encode("RS256", Claims{ApplicationID: applicationID, IssuedAt: now.Unix(),
		Expires: now.Add(ttl).Unix(), ID: hex.EncodeToString(id)})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(unsigned))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return unsigned + "." + b64.EncodeToString(sig), nil
}

// VerifyAPIToken checks a Voice API JWT with the application's public key
// (what Vonage does; the fake uses it).
func VerifyAPIToken(pub *rsa.PublicKey, token string, now time.Time) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, telephony.ErrBadSignature
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return Claims{}, telephony.ErrBadSignature
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return Claims{}, telephony.ErrBadSignature
	}
	var c Claims
	cb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(cb, &c) != nil || now.Unix() > c.Expires {
		return Claims{}, fmt.Errorf("%w: claims or expiry", telephony.ErrBadSignature)
	}
	return c, nil
}
