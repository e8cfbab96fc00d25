package providers

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// counted is a Capacity that counts in memory what a cluster would, and
// refuses to count keys in broken.
type counted struct {
	mu     sync.Mutex
	held   map[string]int // by key
	asked  []string       // keys asked for, in order
	broken map[string]bool
}

func (c *counted) Take(kind, provider, key string, limit int) (func(), bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked = append(c.asked, kind+"/"+provider+"/"+key)
	if c.broken[key] {
		return nil, false, errors.New("the cluster did not answer")
	}
	if c.held[key] >= limit {
		return nil, false, nil
	}
	c.held[key]++
	return sync.OnceFunc(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.held[key]--
	}), true, nil
}

func (c *counted) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.held[key]
}

// With a Capacity, limited keys are counted by it (a key it cannot count
// is passed over for the next), unlimited keys by the Set as alone, and
// a stream's end gives its lease back.
func TestLimitedKeysAreCountedByTheCapacity(t *testing.T) {
	w := newWorld(t, "", orgs{7: {ProviderKeys: map[string]string{"deepgram_api_key": "org-dg", "deepgram_api_key_2": "org-dg-2"},
		Concurrency: map[string]int{"deepgram": 1}}}, nil)
	c := &counted{held: map[string]int{}, broken: map[string]bool{"org-dg": true}}
	w.set.SetCapacity(c)
	cfg := assistant.Defaults()
	one := 1
	cfg.STTLimit, cfg.APIKeys = &one, map[string]string{"deepgram_api_key": "own-dg"}
	open := func(ctx context.Context) (voice.STTStream, error) {
		return w.set.OpenSTT(ctx, info, cfg, voice.Telephony, func(voice.STTEvent) {})
	}
	first, err := open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	second, err := open(t.Context()) // own-dg full, org-dg not counted: org-dg-2
	if err != nil {
		t.Fatal(err)
	}
	if c.count("own-dg") != 1 || c.count("org-dg-2") != 1 || c.count("org-dg") != 0 {
		t.Fatalf("held %v", c.held)
	}
	if _, err := open(t.Context()); !errors.Is(err, voice.ErrNoCapacity) {
		t.Fatalf("third stream: %v", err)
	}
	w.set.slots.mu.Lock()
	local := len(w.set.slots.used)
	w.set.slots.mu.Unlock()
	if local != 0 {
		t.Fatalf("the Set counted %d limited keys itself", local)
	}
	_ = first.Close()
	_ = second.Close()
	if c.count("own-dg") != 0 || c.count("org-dg-2") != 0 {
		t.Fatalf("closed streams kept leases: %v", c.held)
	}

	// An unlimited key is the Set's to count, as alone: no lease asked.
	c.mu.Lock()
	c.asked = nil
	c.mu.Unlock()
	cfg.STTLimit = nil
	w.set.cfg.Organizations = nil
	st, err := open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	if len(c.asked) != 0 {
		t.Fatalf("an unlimited key was asked of the cluster: %v", c.asked)
	}
}
