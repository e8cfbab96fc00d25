// Package auth issues and checks API keys. Keys are random, shown once, and
// stored only as SHA-256 digests with a short display prefix.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
)

// keyPrefix marks Switchboard keys so they are recognisable in leaks and
// secret scanners.
const keyPrefix = "sb_live_"

// keyAlphabet is base62; 32 characters give about 190 bits of entropy.
const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

const keyRandomLen = 32

// displayLen is how much of a key is kept in clear to tell keys apart.
const displayLen = len(keyPrefix) + 4

// ErrUnknownKey means no active key matches.
var ErrUnknownKey = errors.New("auth: unknown or inactive API key")

// NewKey returns a fresh key, its digest and its display prefix.
func NewKey() (key string, digest []byte, display string, err error) {
	buf := make([]byte, keyRandomLen)
	if _, err := rand.Read(buf); err != nil {
		return "", nil, "", err
	}
	var b strings.Builder
	b.WriteString(keyPrefix)
	for _, x := range buf {
		// 248 = 4*62: rejection keeps the alphabet uniform
		for x >= 248 {
			var one [1]byte
			if _, err := rand.Read(one[:]); err != nil {
				return "", nil, "", err
			}
			x = one[0]
		}
		b.WriteByte(keyAlphabet[int(x)%len(keyAlphabet)])
	}
	key = b.String()
	return key, Digest(key), key[:displayLen], nil
}

// Digest is the stored form of a key.
func Digest(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}
