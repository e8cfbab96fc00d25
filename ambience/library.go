package ambience

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/switchboard-voice/switchboard/assistant"
)

// Library defaults.
const (
	DefaultFetchTimeout = 10 * time.Second
	DefaultCacheBytes   = 256 << 20
	DefaultURLTTL       = 10 * time.Minute
)

// LibraryOptions configure a Library.
type LibraryOptions struct {
	// Dir holds uploaded sounds, one file per content-addressed key.
	Dir string
	// Client fetches sound URLs (http.DefaultClient if nil). The engine
	// should give one whose dialer refuses private addresses: sound URLs
	// come from tenants.
	Client *http.Client
	// FetchTimeout bounds one fetch (DefaultFetchTimeout if zero).
	FetchTimeout time.Duration
	// CacheBytes bounds the decoded audio kept in memory, least recently
	// used first out (DefaultCacheBytes if zero). Sounds in use by calls
	// stay alive through their Beds whatever the cache drops.
	CacheBytes int64
	// URLTTL is how long a fetched URL is reused before it is fetched
	// again (DefaultURLTTL if zero).
	URLTTL time.Duration
	// Shared, when set, keeps uploaded sounds where every node reads
	// them, and Dir becomes a cache of it: a sound uploaded through one
	// node plays on all, and outlives the disk it was uploaded to.
	Shared Shared
}

// Shared is durable storage of uploaded sounds by key (the engine's
// PostgreSQL).
type Shared interface {
	PutSound(ctx context.Context, key string, data []byte) error
	// SoundData returns the file stored under key, an error wrapping
	// ErrUnknownSound if none is.
	SoundData(ctx context.Context, key string) ([]byte, error)
	// MissingSounds returns those of keys it does not keep.
	MissingSounds(ctx context.Context, keys []string) ([]string, error)
}

// ShareCached puts into Shared the sounds Dir holds that Shared lacks
// (those uploaded before the engine kept sounds in its database), and
// returns how many it put.
func (l *Library) ShareCached(ctx context.Context) (int, error) {
	if l.o.Shared == nil {
		return 0, nil
	}
	entries, err := os.ReadDir(l.o.Dir)
	if err != nil {
		return 0, fmt.Errorf("ambience: listing %s: %w", l.o.Dir, err)
	}
	var keys []string
	for _, e := range entries {
		if e.Type().IsRegular() && isKey(e.Name()) {
			keys = append(keys, e.Name())
		}
	}
	if len(keys) == 0 {
		return 0, nil
	}
	missing, err := l.o.Shared.MissingSounds(ctx, keys)
	if err != nil {
		return 0, fmt.Errorf("ambience: sharing cached sounds: %w", err)
	}
	put := 0
	for _, key := range missing {
		data, err := readLimited(filepath.Join(l.o.Dir, key))
		if err != nil {
			return put, err
		}
		if keyOf(data) != key { // damaged on disk: not worth sharing
			continue
		}
		if err := l.o.Shared.PutSound(ctx, key, data); err != nil {
			return put, fmt.Errorf("ambience: sharing cached sounds: %w", err)
		}
		put++
	}
	return put, nil
}

// Library stores uploaded sounds and loads sounds by key or URL, decoding
// each once. It is safe for concurrent use.
type Library struct {
	o     LibraryOptions
	group singleflight.Group

	mu    sync.Mutex
	lru   *list.List // of *entry, most recent first
	byKey map[string]*list.Element
	size  int64
}

type entry struct {
	key     string
	sound   *Sound
	size    int64
	fetched time.Time // for URLs
}

// NewLibrary returns a Library over o.Dir, creating it if needed.
func NewLibrary(o LibraryOptions) (*Library, error) {
	if o.Dir == "" {
		return nil, fmt.Errorf("%w: no directory", ErrConfig)
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("ambience: creating %s: %w", o.Dir, err)
	}
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	if o.FetchTimeout == 0 {
		o.FetchTimeout = DefaultFetchTimeout
	}
	if o.CacheBytes == 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	if o.URLTTL == 0 {
		o.URLTTL = DefaultURLTTL
	}
	return &Library{o: o, lru: list.New(), byKey: map[string]*list.Element{}}, nil
}

// Store validates an uploaded WAV or MP3 file and keeps it under its key,
// the hex SHA-256 of data: storing the same file twice gives the same key.
func (l *Library) Store(ctx context.Context, data []byte) (string, Info, error) {
	s, err := Decode(data)
	if err != nil {
		return "", Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return "", Info{}, err
	}
	key := keyOf(data)
	if l.o.Shared != nil {
		if err := l.o.Shared.PutSound(ctx, key, data); err != nil {
			return "", Info{}, fmt.Errorf("ambience: storing sound: %w", err)
		}
	}
	if err := l.cache(key, data); err != nil && l.o.Shared == nil {
		return "", Info{}, err // with Shared the sound is kept; the next Load caches it
	}
	l.put(key, s, time.Time{})
	return key, s.Info(), nil
}

// keyOf is a file's storage key, the hex SHA-256 of its bytes.
func keyOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// cache writes a sound's file under Dir, unless it is there already.
func (l *Library) cache(key string, data []byte) error {
	path := filepath.Join(l.o.Dir, key)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	return writeAtomic(l.o.Dir, path, data)
}

// writeAtomic writes data to path through a temporary file, so a reader
// never sees a partial sound.
func writeAtomic(dir, path string, data []byte) error {
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("ambience: storing sound: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("ambience: storing sound: %w", err)
	}
	return nil
}

// Load returns the sound with a storage key: a built-in name (see
// Builtins) or a key Store returned.
func (l *Library) Load(ctx context.Context, key string) (*Sound, error) {
	if s, ok := Builtin(key); ok {
		return s, nil
	}
	if !isKey(key) {
		return nil, fmt.Errorf("%w: storage key %q", ErrUnknownSound, key)
	}
	return l.load(ctx, key, func(ctx context.Context) (*Sound, error) {
		data, err := readLimited(filepath.Join(l.o.Dir, key))
		if errors.Is(err, fs.ErrNotExist) {
			data, err = l.shared(ctx, key)
		}
		if err != nil {
			return nil, err
		}
		return Decode(data)
	})
}

// shared reads a sound uploaded through another node (or before this
// node's directory was emptied) and caches it under Dir.
func (l *Library) shared(ctx context.Context, key string) ([]byte, error) {
	if l.o.Shared == nil {
		return nil, fmt.Errorf("%w: storage key %q", ErrUnknownSound, key)
	}
	ctx, cancel := context.WithTimeout(ctx, l.o.FetchTimeout)
	defer cancel()
	data, err := l.o.Shared.SoundData(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("ambience: loading sound %s: %w", key, err)
	}
	if keyOf(data) != key {
		return nil, fmt.Errorf("%w: the stored file for %s does not match its key", ErrDecode, key)
	}
	_ = l.cache(key, data) // if not cached, the next Load reads Shared again
	return data, nil
}

// isKey reports whether key has the shape of a content-addressed key, so
// that no key names a path.
func isKey(key string) bool {
	if len(key) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(key) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxBytes+1))
}

// Fetch returns the sound at an http or https URL, fetched with the
// Library's client and timeout, at most MaxBytes, and reused for URLTTL.
func (l *Library) Fetch(ctx context.Context, rawURL string) (*Sound, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an http(s) URL", ErrFetch, rawURL)
	}
	return l.load(ctx, "url:"+rawURL, func(ctx context.Context) (*Sound, error) {
		data, err := l.download(ctx, rawURL)
		if err != nil {
			return nil, err
		}
		return Decode(data)
	})
}

func (l *Library) download(ctx context.Context, rawURL string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, l.o.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	resp, err := l.o.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %s", ErrFetch, rawURL, resp.Status)
	}
	if resp.ContentLength > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrTooLarge, resp.ContentLength, MaxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrFetch, rawURL, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxBytes)
	}
	return data, nil
}

// Sound resolves a call's background_sound setting: a storage key (a
// built-in name or an upload) first, else the URL. It returns nil when the
// setting is disabled.
func (l *Library) Sound(ctx context.Context, bs assistant.BackgroundSound) (*Sound, error) {
	switch {
	case !bs.Enabled:
		return nil, nil
	case bs.StorageKey != nil && *bs.StorageKey != "":
		return l.Load(ctx, *bs.StorageKey)
	case bs.SoundURL != nil && *bs.SoundURL != "":
		return l.Fetch(ctx, *bs.SoundURL)
	}
	return nil, fmt.Errorf("%w: background sound enabled without storage_key or sound_url", ErrUnknownSound)
}

// load returns the cached sound for key or decodes it once, however many
// calls ask at the same time.
func (l *Library) load(ctx context.Context, key string, decode func(context.Context) (*Sound, error)) (*Sound, error) {
	if s := l.cached(key); s != nil {
		return s, nil
	}
	v, err, _ := l.group.Do(key, func() (any, error) {
		if s := l.cached(key); s != nil {
			return s, nil
		}
		// One caller's cancellation must not fail the others waiting on
		// the same load; the fetch timeout still bounds it.
		s, err := decode(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		l.put(key, s, time.Now())
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Sound), nil
}

// cached returns a cached, fresh sound and marks it recently used.
func (l *Library) cached(key string) *Sound {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.byKey[key]
	if !ok {
		return nil
	}
	e := el.Value.(*entry)
	if !e.fetched.IsZero() && len(key) > 4 && key[:4] == "url:" && time.Since(e.fetched) > l.o.URLTTL {
		l.remove(el)
		return nil
	}
	l.lru.MoveToFront(el)
	return e.sound
}

// put caches a sound and evicts the least recently used beyond the bound.
// Its size counts the rates already derived; later ones are not counted.
func (l *Library) put(key string, s *Sound, fetched time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.byKey[key]; ok {
		l.remove(el)
	}
	e := &entry{key: key, sound: s, size: s.bytes(), fetched: fetched}
	l.byKey[key] = l.lru.PushFront(e)
	l.size += e.size
	for l.size > l.o.CacheBytes && l.lru.Len() > 1 {
		l.remove(l.lru.Back())
	}
}

func (l *Library) remove(el *list.Element) {
	e := l.lru.Remove(el).(*entry)
	delete(l.byKey, e.key)
	l.size -= e.size
}
