package auth

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"
)

// KeyStore finds the principal of an active key by its digest, returning
// ErrUnknownKey when none matches.
type KeyStore interface {
	LookupKey(ctx context.Context, digest []byte) (Principal, error)
}

// cacheTTL bounds how long a key revoked on another node keeps working on
// this one: every node re-reads a key at most once per TTL, so a revocation
// anywhere is effective everywhere within it.
const cacheTTL = time.Second

// cacheLimit bounds the cache; it is cleared when full.
const cacheLimit = 10_000

// Authenticator checks bearer keys, caching hits briefly so the admin API's
// hot reads do not each cost a database round trip.
type Authenticator struct {
	store KeyStore
	now   func() time.Time

	mu    sync.Mutex
	cache map[[sha256.Size]byte]cachedPrincipal
	gen   uint64 // bumped by every Forget: a lookup begun before one is stale
}

type cachedPrincipal struct {
	p       Principal
	expires time.Time
}

// NewAuthenticator returns an Authenticator over store.
func NewAuthenticator(store KeyStore) *Authenticator {
	return &Authenticator{store: store, now: time.Now, cache: map[[sha256.Size]byte]cachedPrincipal{}}
}

// Authenticate returns the principal for key or ErrUnknownKey.
func (a *Authenticator) Authenticate(ctx context.Context, key string) (Principal, error) {
	if key == "" {
		return Principal{}, ErrUnknownKey
	}
	d := sha256.Sum256([]byte(key))
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[d]
	gen := a.gen
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.p, nil
	}
	p, err := a.store.LookupKey(ctx, d[:])
	if err != nil {
		return Principal{}, err
	}
	expires := now.Add(cacheTTL)
	if p.ExpiresAt != nil && p.ExpiresAt.Before(expires) {
		expires = *p.ExpiresAt
	}
	a.mu.Lock()
	if a.gen == gen {
		if len(a.cache) >= cacheLimit {
			clear(a.cache)
		}
		a.cache[d] = cachedPrincipal{p: p, expires: expires}
	}
	a.mu.Unlock()
	return p, nil
}

// Forget drops the key with digest from the cache, so that its revocation
// is effective on this node at once.
func (a *Authenticator) Forget(digest []byte) {
	if len(digest) != sha256.Size {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	delete(a.cache, [sha256.Size]byte(digest))
}
