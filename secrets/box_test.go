package secrets

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	box, err := NewBox(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"", "sk-123", strings.Repeat("é", 1000)} {
		a, err := box.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := box.Seal(plain)
		if a == b {
			t.Error("two seals of the same value are identical (nonce reuse)")
		}
		if plain != "" && strings.Contains(a, plain) {
			t.Error("sealed value contains the plaintext")
		}
		got, err := box.Open(a)
		if err != nil || got != plain {
			t.Errorf("Open = %q, %v; want %q", got, err, plain)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	box, _ := NewBox(make([]byte, KeySize))
	other, _ := NewBox([]byte(strings.Repeat("k", KeySize)))
	sealed, _ := box.Seal("secret")
	tampered := sealed[:len(sealed)-2] + "AA"
	for _, tc := range []struct {
		box  *Box
		in   string
		want error
	}{
		{box, "plain", ErrNotSealed},
		{box, "sb1:!!!", ErrNotSealed},
		{box, "sb1:AAAA", ErrNotSealed},
		{box, tampered, ErrTampered},
		{other, sealed, ErrTampered},
	} {
		if _, err := tc.box.Open(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("Open(%q) = %v, want %v", tc.in, err, tc.want)
		}
	}
}

func TestParseKey(t *testing.T) {
	k := []byte("0123456789abcdef0123456789abcdef")
	for _, s := range []string{
		base64.StdEncoding.EncodeToString(k),
		base64.RawURLEncoding.EncodeToString(k),
		hex.EncodeToString(k),
		" " + base64.StdEncoding.EncodeToString(k) + "\n",
	} {
		got, err := ParseKey(s)
		if err != nil || string(got) != string(k) {
			t.Errorf("ParseKey(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "short", base64.StdEncoding.EncodeToString(k[:16])} {
		if _, err := ParseKey(s); !errors.Is(err, ErrBadKey) {
			t.Errorf("ParseKey(%q) = %v, want ErrBadKey", s, err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	box, _ := NewBox(make([]byte, KeySize))
	sealed, _ := box.Seal("x")
	f.Add(sealed)
	f.Add("sb1:")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = box.Open(s) // must never panic
	})
}
