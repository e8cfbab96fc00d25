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

func TestAuthenticatorForgetAndExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	expiry := now.Add(cacheTTL / 2)
	store := &countingStore{known: "good", p: Principal{KeyID: 1, OrganizationID: 7}}
	a := NewAuthenticator(store)
	a.now = func() time.Time { return now }
	ctx := context.Background()

	if _, err := a.Authenticate(ctx, "good"); err != nil {
		t.Fatal(err)
	}
	a.Forget(Digest("good"))
	store.known = "" // revoked
	if _, err := a.Authenticate(ctx, "good"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("a forgotten, revoked key: %v", err)
	}

	// A key expiring before the TTL is cached only until it expires.
	store.known, store.p.ExpiresAt = "good", &expiry
	if _, err := a.Authenticate(ctx, "good"); err != nil {
		t.Fatal(err)
	}
	calls := store.calls
	now = expiry
	if _, err := a.Authenticate(ctx, "good"); err != nil || store.calls != calls+1 {
		t.Fatalf("an expired cache entry was used: err=%v calls=%d", err, store.calls)
	}
	a.Forget([]byte("short")) // not a digest: ignored
}

// A lookup that began before a Forget is not cached: the key may have been
// revoked after the store answered.
func TestAuthenticatorForgetDuringLookup(t *testing.T) {
	store := &forgettingStore{p: Principal{KeyID: 1}}
	a := NewAuthenticator(store)
	store.a = a
	if _, err := a.Authenticate(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	if len(a.cache) != 0 {
		t.Fatal("a lookup overtaken by Forget was cached")
	}
}

type forgettingStore struct {
	a *Authenticator
	p Principal
}

func (s *forgettingStore) LookupKey(_ context.Context, d []byte) (Principal, error) {
	s.a.Forget(d)
	return s.p, nil
}
