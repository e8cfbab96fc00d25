package telephony

import (
	"context"
	"sync"
	"time"
)

// Keyring caches a carrier's configured credentials for checking
// signatures that arrive before a call is known (Twilio's media-stream
// upgrade, status callbacks, webhooks for numbers nobody answers). Entries
// are refetched after TTL; a miss may force a refetch, at most once per
// MinRefresh, so forged requests cannot hammer the directory.
type Keyring struct {
	dir        CredentialSource
	carrier    string
	ttl        time.Duration
	minRefresh time.Duration
	now        func() time.Time

	mu      sync.Mutex
	creds   []Credentials
	fetched time.Time
	version int // increases with every fetch
}

// CredentialSource lists a carrier's configured credentials: a Directory.
type CredentialSource interface {
	Credentials(ctx context.Context, carrier string) ([]Credentials, error)
}

// NewKeyring returns a keyring of carrier's credentials.
func NewKeyring(dir CredentialSource, carrier string) *Keyring {
	return &Keyring{dir: dir, carrier: carrier, ttl: time.Minute, minRefresh: 5 * time.Second, now: time.Now}
}

// Get returns the credentials, fetched within the TTL, and their version.
func (k *Keyring) Get(ctx context.Context) ([]Credentials, int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.fetched.IsZero() && k.now().Sub(k.fetched) < k.ttl {
		return k.creds, k.version, nil
	}
	return k.fetch(ctx)
}

// Refresh refetches unless the last fetch is younger than MinRefresh; it
// reports whether it did.
func (k *Keyring) Refresh(ctx context.Context) ([]Credentials, int, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.fetched.IsZero() && k.now().Sub(k.fetched) < k.minRefresh {
		return k.creds, k.version, false, nil
	}
	c, v, err := k.fetch(ctx)
	return c, v, err == nil, err
}

// Find returns the credentials that signed a request, refreshing once if
// none did; err is a failure to read them, with which the cached ones
// were searched.
func (k *Keyring) Find(ctx context.Context, signed func(Credentials) bool) (c Credentials, ok bool, err error) {
	find := func(creds []Credentials) (Credentials, bool) {
		for _, c := range creds {
			if signed(c) {
				return c, true
			}
		}
		return Credentials{}, false
	}
	creds, _, err := k.Get(ctx)
	if c, ok := find(creds); ok {
		return c, true, err
	}
	if creds, _, refreshed, _ := k.Refresh(ctx); refreshed {
		c, ok := find(creds)
		return c, ok, err
	}
	return Credentials{}, false, err
}

func (k *Keyring) fetch(ctx context.Context) ([]Credentials, int, error) {
	c, err := k.dir.Credentials(ctx, k.carrier)
	if err != nil {
		return k.creds, k.version, err
	}
	k.creds, k.fetched = c, k.now()
	k.version++
	return k.creds, k.version, nil
}
