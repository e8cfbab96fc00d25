package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
)

// Stats sums up assistants' calls.
type Stats interface {
	AssistantStatsMany(ctx context.Context, ids []int64) (map[int64]assistant.Stats, error)
}

// statsTTL bounds how stale an assistant's call statistics may be shown:
// they change with every call, and a GET must not cost a scan of them.
const statsTTL = 10 * time.Second

// statsCache remembers assistants' statistics for statsTTL.
type statsCache struct {
	src Stats
	now func() time.Time

	mu sync.Mutex
	m  map[int64]cachedStats
}

type cachedStats struct {
	stats   assistant.Stats
	expires time.Time
}

func newStatsCache(src Stats) *statsCache {
	return &statsCache{src: src, now: time.Now, m: map[int64]cachedStats{}}
}

// of returns the statistics of ids, fetching those not cached in one query.
func (c *statsCache) of(ctx context.Context, ids ...int64) (map[int64]assistant.Stats, error) {
	out := make(map[int64]assistant.Stats, len(ids))
	var missing []int64
	now := c.now()
	c.mu.Lock()
	for _, id := range ids {
		if s, ok := c.m[id]; ok && now.Before(s.expires) {
			out[id] = s.stats
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 || c.src == nil {
		return out, nil
	}
	fetched, err := c.src.AssistantStatsMany(ctx, missing)
	if err != nil {
		return nil, fmt.Errorf("assistant statistics: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range missing {
		out[id] = fetched[id] // none recorded: zero calls
		c.m[id] = cachedStats{stats: fetched[id], expires: now.Add(statsTTL)}
	}
	return out, nil
}

// statsKey starts the statistics at the end of a rendered assistant. A
// quote inside a JSON string is escaped, so this can only be the
// top-level key that assistant.View puts last.
var statsKey = []byte(`,"total_calls":`)

// withStats replaces the statistics at the end of a rendered assistant.
func withStats(body []byte, s assistant.Stats) ([]byte, error) {
	i := bytes.LastIndex(body, statsKey)
	if i < 0 {
		return nil, fmt.Errorf("assistant statistics: no %s in the rendered assistant", statsKey)
	}
	enc, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("assistant statistics: %w", err)
	}
	out := make([]byte, 0, i+len(enc)+1)
	out = append(out, body[:i]...)
	out = append(out, ',')
	return append(out, enc[1:]...), nil // enc without its opening brace
}
