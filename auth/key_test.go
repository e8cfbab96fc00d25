package auth

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		key, digest, display, err := NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(key, keyPrefix) || len(key) != len(keyPrefix)+keyRandomLen {
			t.Fatalf("malformed key %q", key)
		}
		if strings.Trim(key[len(keyPrefix):], keyAlphabet) != "" {
			t.Fatalf("key %q has characters outside base62", key)
		}
		if !bytes.Equal(digest, Digest(key)) || len(digest) != 32 {
			t.Fatal("digest mismatch")
		}
		if !strings.HasPrefix(key, display) || len(display) != displayLen {
			t.Fatalf("display %q of %q", display, key)
		}
		if seen[key] {
			t.Fatal("duplicate key")
		}
		seen[key] = true
	}
}

type countingStore struct {
	calls int
	p     Principal
	known string
}

func (s *countingStore) LookupKey(_ context.Context, d []byte) (Principal, error) {
	s.calls++
	if !bytes.Equal(d, Digest(s.known)) {
		return Principal{}, ErrUnknownKey
	}
	return s.p, nil
}

func TestAuthenticatorCachesHitsForTTL(t *testing.T) {
	store := &countingStore{known: "good", p: Principal{KeyID: 1, OrganizationID: 7}}
	a := NewAuthenticator(store)
	now := time.Unix(1000, 0)
	a.now = func() time.Time { return now }
	ctx := context.Background()

	for range 3 {
		p, err := a.Authenticate(ctx, "good")
		if err != nil || p.OrganizationID != 7 {
			t.Fatalf("Authenticate = %+v, %v", p, err)
		}
	}
	if store.calls != 1 {
		t.Errorf("store called %d times within the TTL, want 1", store.calls)
	}
	now = now.Add(cacheTTL)
	if _, err := a.Authenticate(ctx, "good"); err != nil || store.calls != 2 {
		t.Errorf("after TTL: err=%v calls=%d, want a fresh lookup", err, store.calls)
	}
	for _, bad := range []string{"", "bad"} {
		if _, err := a.Authenticate(ctx, bad); !errors.Is(err, ErrUnknownKey) {
			t.Errorf("Authenticate(%q) = %v", bad, err)
		}
	}
}
