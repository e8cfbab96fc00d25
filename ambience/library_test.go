package ambience

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
)

func newLibrary(t *testing.T, o LibraryOptions) *Library {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	l, err := NewLibrary(o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func oneSecond(t *testing.T, f float64) []byte {
	return wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: 16000, Channels: 1}, tone(16000, 16000, f, 8000))
}

func TestLibraryStoreAndLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := newLibrary(t, LibraryOptions{Dir: dir})
	data := oneSecond(t, 300)
	key, info, err := l.Store(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if !isKey(key) || info.Format != "wav" || info.Duration != time.Second || info.Size != len(data) {
		t.Fatalf("key %q, info %+v", key, info)
	}
	if again, _, err := l.Store(ctx, data); err != nil || again != key {
		t.Fatalf("storing the same file again: %q, %v", again, err)
	}
	stored, err := os.ReadFile(filepath.Join(dir, key))
	if err != nil || !bytes.Equal(stored, data) {
		t.Fatalf("stored file: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files in the library, want 1 (no temporary files left)", len(entries))
	}
	a, err := l.Load(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := l.Load(ctx, key); a != b {
		t.Fatal("a cached sound was decoded again")
	}
	// A new library (another process) finds it on disk.
	s, err := newLibrary(t, LibraryOptions{Dir: dir}).Load(ctx, key)
	if err != nil || s.Info().Duration != time.Second {
		t.Fatalf("load from disk: %v", err)
	}
	// Built-ins are storage keys too.
	if s, err := l.Load(ctx, "call-center"); err != nil || s.Info().Format != "builtin" {
		t.Fatalf("built-in: %v", err)
	}
	for _, bad := range []string{"", "nope", "../../etc/passwd", key[:63] + "/", "0000000000000000000000000000000000000000000000000000000000000000"} {
		if _, err := l.Load(ctx, bad); !errors.Is(err, ErrUnknownSound) {
			t.Errorf("Load(%q): %v, want ErrUnknownSound", bad, err)
		}
	}
	if _, _, err := l.Store(ctx, []byte("not audio")); !errors.Is(err, ErrFormat) {
		t.Errorf("storing text: %v", err)
	}
}

func TestLibraryEvictsLeastRecentlyUsed(t *testing.T) {
	ctx := context.Background()
	// Room for one decoded second at 16 kHz (32 KB), not two.
	l := newLibrary(t, LibraryOptions{CacheBytes: 50_000})
	k1, _, _ := l.Store(ctx, oneSecond(t, 300))
	first, _ := l.Load(ctx, k1)
	k2, _, _ := l.Store(ctx, oneSecond(t, 400))
	if _, err := l.Load(ctx, k2); err != nil {
		t.Fatal(err)
	}
	again, err := l.Load(ctx, k1)
	if err != nil {
		t.Fatal(err)
	}
	if again == first {
		t.Fatal("the least recently used sound was not evicted")
	}
	if l.size > 50_000 || l.lru.Len() != 1 {
		t.Fatalf("cache holds %d bytes in %d entries", l.size, l.lru.Len())
	}
}

// soundServer serves WAV files by path; /slow waits for the client to give
// up, /big streams more than MaxBytes without a length, /missing is 404.
func soundServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	wav := oneSecond(t, 300)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/office.wav":
			w.Header().Set("Content-Length", strconv.Itoa(len(wav)))
			_, _ = w.Write(wav)
		case "/slow":
			<-r.Context().Done()
		case "/big":
			w.(http.Flusher).Flush() // chunked: no Content-Length
			for range MaxBytes/65536 + 2 {
				if _, err := w.Write(make([]byte, 65536)); err != nil {
					return
				}
			}
		case "/declared-big":
			w.Header().Set("Content-Length", strconv.Itoa(MaxBytes+1))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestLibraryFetch(t *testing.T) {
	ctx := context.Background()
	srv, hits := soundServer(t)
	l := newLibrary(t, LibraryOptions{Client: srv.Client()})

	// Many calls starting at once fetch the URL once.
	var wg sync.WaitGroup
	sounds := make([]*Sound, 8)
	for i := range sounds {
		wg.Go(func() {
			s, err := l.Fetch(ctx, srv.URL+"/office.wav")
			if err != nil {
				t.Error(err)
			}
			sounds[i] = s
		})
	}
	wg.Wait()
	for _, s := range sounds {
		if s != sounds[0] {
			t.Fatal("calls got different sounds for one URL")
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("%d fetches, want 1", hits.Load())
	}

	for path, want := range map[string]error{
		"/missing": ErrFetch, "/big": ErrTooLarge, "/declared-big": ErrTooLarge,
	} {
		if _, err := l.Fetch(ctx, srv.URL+path); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
	// A server that never answers is given up on after the timeout.
	impatient := newLibrary(t, LibraryOptions{Client: srv.Client(), FetchTimeout: 50 * time.Millisecond})
	if _, err := impatient.Fetch(ctx, srv.URL+"/slow"); !errors.Is(err, ErrFetch) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("/slow: %v, want ErrFetch after the deadline", err)
	}
	for _, bad := range []string{"file:///etc/passwd", "ftp://example.com/x.wav", "http://", "::"} {
		if _, err := l.Fetch(ctx, bad); !errors.Is(err, ErrFetch) {
			t.Errorf("%q: %v, want ErrFetch", bad, err)
		}
	}
}

func TestLibraryURLExpires(t *testing.T) {
	srv, hits := soundServer(t)
	l := newLibrary(t, LibraryOptions{Client: srv.Client(), URLTTL: time.Nanosecond})
	for range 2 {
		if _, err := l.Fetch(context.Background(), srv.URL+"/office.wav"); err != nil {
			t.Fatal(err)
		}
	}
	if hits.Load() != 2 {
		t.Fatalf("%d fetches, want 2: an expired URL is fetched again", hits.Load())
	}
}

func TestLibrarySoundResolvesSettings(t *testing.T) {
	ctx := context.Background()
	srv, _ := soundServer(t)
	l := newLibrary(t, LibraryOptions{Client: srv.Client()})
	str := func(s string) *string { return &s }
	if s, err := l.Sound(ctx, assistant.BackgroundSound{StorageKey: str("office")}); s != nil || err != nil {
		t.Fatalf("disabled: %v, %v", s, err)
	}
	office, _ := Builtin("office")
	if s, err := l.Sound(ctx, assistant.BackgroundSound{Enabled: true, StorageKey: str("office"), SoundURL: str(srv.URL + "/missing")}); s != office || err != nil {
		t.Fatalf("storage key first: %v", err)
	}
	if s, err := l.Sound(ctx, assistant.BackgroundSound{Enabled: true, StorageKey: str(""), SoundURL: str(srv.URL + "/office.wav")}); s == nil || err != nil {
		t.Fatalf("URL: %v", err)
	}
	if _, err := l.Sound(ctx, assistant.BackgroundSound{Enabled: true}); !errors.Is(err, ErrUnknownSound) {
		t.Fatalf("no source: %v", err)
	}
}

// shelf is a Shared in memory.
type shelf struct {
	mu    sync.Mutex
	files map[string][]byte
	down  error // every call fails with it
}

func (s *shelf) PutSound(_ context.Context, key string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down != nil {
		return s.down
	}
	s.files[key] = data
	return nil
}

func (s *shelf) SoundData(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down != nil {
		return nil, s.down
	}
	data, ok := s.files[key]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSound, key)
	}
	return data, nil
}

func (s *shelf) MissingSounds(_ context.Context, keys []string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var missing []string
	for _, k := range keys {
		if _, ok := s.files[k]; !ok {
			missing = append(missing, k)
		}
	}
	return missing, nil
}

// ShareCached puts into Shared what the directory holds and Shared
// lacks, and nothing damaged or not a sound's.
func TestLibraryShareCached(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, kept, damaged := oneSecond(t, 300), oneSecond(t, 400), oneSecond(t, 500)
	if _, _, err := newLibrary(t, LibraryOptions{Dir: dir}).Store(ctx, old); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{keyOf(kept): kept, keyOf(damaged): damaged[:100], "notes.txt": []byte("hi")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sh := &shelf{files: map[string][]byte{keyOf(kept): kept}}
	n, err := newLibrary(t, LibraryOptions{Dir: dir, Shared: sh}).ShareCached(ctx)
	if err != nil || n != 1 || !bytes.Equal(sh.files[keyOf(old)], old) || len(sh.files) != 2 {
		t.Fatalf("shared %d, %v; Shared holds %d files", n, err, len(sh.files))
	}
}

// With Shared, a sound stored by one library loads in another whose
// directory never had it, and is cached there; a stored file that does
// not match its key is refused; an upload Shared cannot keep fails.
func TestLibraryShared(t *testing.T) {
	ctx := context.Background()
	sh := &shelf{files: map[string][]byte{}}
	key, _, err := newLibrary(t, LibraryOptions{Shared: sh}).Store(ctx, oneSecond(t, 300))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := newLibrary(t, LibraryOptions{Dir: dir, Shared: sh}).Load(ctx, key)
	if err != nil || s.Info().Duration != time.Second {
		t.Fatalf("loading another node's upload: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, key)); err != nil {
		t.Fatalf("not cached: %v", err)
	}
	other := oneSecond(t, 500)
	forged := keyOf(oneSecond(t, 700))
	sh.files[forged] = other
	if _, err := newLibrary(t, LibraryOptions{Shared: sh}).Load(ctx, forged); !errors.Is(err, ErrDecode) {
		t.Fatalf("a file under another's key: %v", err)
	}
	if _, err := newLibrary(t, LibraryOptions{Shared: sh}).Load(ctx, strings.Repeat("0", 64)); !errors.Is(err, ErrUnknownSound) {
		t.Fatalf("a key nobody stored: %v", err)
	}
	sh.down = errors.New("database away")
	if _, _, err := newLibrary(t, LibraryOptions{Shared: sh}).Store(ctx, other); !errors.Is(err, sh.down) {
		t.Fatalf("storing while Shared is away: %v", err)
	}
}
