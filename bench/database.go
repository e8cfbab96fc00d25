package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-voice/switchboard/persistence"
)

// freshDatabase creates an empty database on the server of adminDSN,
// migrates it, and returns a pool on it and a function that closes the
// pool and drops the database: a run never touches existing data.
func freshDatabase(ctx context.Context, adminDSN string) (*pgxpool.Pool, func(), error) {
	name := "switchboard_bench_" + randomHex(6)
	admin, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return nil, nil, fmt.Errorf("bench: connect to PostgreSQL: %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, fmt.Errorf("bench: create database: %w", err)
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, adminDSN); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			_ = c.Close(ctx)
		}
	}
	pool, err := persistence.Open(ctx, withDatabase(adminDSN, name))
	if err == nil {
		_, err = persistence.Migrate(ctx, pool)
		if err != nil {
			pool.Close()
		}
	}
	if err != nil {
		drop()
		return nil, nil, fmt.Errorf("bench: %w", err)
	}
	return pool, func() { pool.Close(); drop() }, nil
}

// withDatabase points a DSN (URL or key=value form) at database name.
func withDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	return dsn + " dbname=" + name // a later keyword overrides an earlier one
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
