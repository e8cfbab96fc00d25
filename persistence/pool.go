// Package persistence holds everything that talks to PostgreSQL: the pool,
// the embedded migrations and the repositories.
package persistence

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultDSN is the database `make run` and the tests fall back to:
// Switchboard's own on the local server (scripts/postgres.sh creates it),
// not the server's default `postgres` database.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/switchboard?sslmode=disable"

// Open connects a pool and checks the server answers. Pool settings may be
// overridden in the DSN (pool_max_conns=…).
func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("persistence: parse DATABASE_URL: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	}
	if !strings.Contains(dsn, "pool_min_idle_conns") {
		cfg.MinIdleConns = 2
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "switchboard"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("persistence: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("persistence: ping %s: %w", cfg.ConnConfig.Host, err)
	}
	return pool, nil
}
