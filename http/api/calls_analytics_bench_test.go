package api_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine/enginetest"
)

// benchCalls is the size of the generated calls table.
const benchCalls = 1_000_000

// BenchmarkCallAnalytics measures the calls' analytics routes over HTTP
// against one organization with a million calls spread over 2026, the
// other organization's calls beside them. The table is generated once and
// vacuumed (as autovacuum would), so index-only scans can skip the heap.
func BenchmarkCallAnalytics(b *testing.B) {
	srv := enginetest.Start(b, nil)
	_, key := srv.Key("Big")
	srv.Key("Small")
	ctx := context.Background()
	pool := srv.Store.Pool()
	start := time.Now()
	if _, err := pool.Exec(ctx, `
		INSERT INTO calls (call_sid, organization_id, carrier, direction, from_number, to_number, status,
			created_at, duration_ms, ended_reason, updated_at)
		SELECT 'BENCH' || g, o.id, 'twilio', CASE WHEN g % 3 = 0 THEN 'outbound' ELSE 'inbound' END,
			'+1555' || lpad((g % 10000000)::text, 7, '0'), '+15550000000',
			(ARRAY['completed','completed','completed','completed','completed','completed','no-answer','busy','failed','in-progress'])[g % 10 + 1],
			timestamptz '2026-01-01 00:00:00+00' + (g * interval '31.536 seconds'),
			CASE WHEN g % 10 < 6 THEN 20000 + (g::bigint * 7919) % 400000 END,
			(ARRAY['customer-ended-call','assistant-ended-call','silence-timed-out','voicemail'])[g % 4 + 1],
			now()
		FROM organizations o, generate_series(1, $1) g WHERE o.name = 'Big'`, benchCalls); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO calls (call_sid, organization_id, carrier, direction, from_number, to_number, status, created_at, updated_at)
		SELECT 'SMALL' || g, o.id, 'twilio', 'inbound', '+1', '+2', 'completed', timestamptz '2026-03-01' + g * interval '1 minute', now()
		FROM organizations o, generate_series(1, 10000) g WHERE o.name = 'Small'`); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE calls`); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d calls in %v", benchCalls, time.Since(start).Round(time.Second))

	month := "date_from=2026-03-01&date_to=2026-03-31"
	for _, bc := range []struct{ name, path string }{
		{"count/month", "/api/v1/calls/count?" + month},
		{"stats/month", "/api/v1/calls/stats?" + month},
		{"stats/month-one-status", "/api/v1/calls/stats?status=completed&" + month},
		{"analytics/month-by-day", "/api/v1/calls/analytics?interval=day&" + month},
		{"analytics/month-by-hour", "/api/v1/calls/analytics?interval=hour&" + month},
		{"stats/year", "/api/v1/calls/stats"},
		{"list/first-page", "/api/v1/calls?limit=100&" + month},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, err := http.NewRequest("GET", srv.URL+bc.path, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+key)
			for b.Loop() {
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", bc.path, resp.StatusCode)
				}
			}
		})
	}
}
