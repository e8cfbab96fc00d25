package persistence_test

import (
	"context"
	"sync"
	"testing"

	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

func TestMigrateIsIdempotentAndSerialised(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t) // already migrated from the template
	if _, err := pool.Exec(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	all, err := persistence.Migrations()
	if err != nil || len(all) == 0 {
		t.Fatalf("Migrations() = %v, %v", all, err)
	}

	// Four nodes starting at once: exactly one applies each migration.
	var wg sync.WaitGroup
	results := make([][]string, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = persistence.Migrate(ctx, pool) })
	}
	wg.Wait()
	applied := 0
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("node %d: %v", i, errs[i])
		}
		applied += len(results[i])
	}
	if applied != len(all) {
		t.Fatalf("migrations applied %d times in total, want %d", applied, len(all))
	}
	again, err := persistence.Migrate(ctx, pool)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run applied %v, %v", again, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(all) {
		t.Fatalf("schema_migrations has %d rows (%v)", n, err)
	}
}
