package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/switchboard-voice/switchboard/persistence"
)

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	pool, err := persistence.Open(ctx, databaseURL())
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := persistence.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
		return nil
	}
	fmt.Fprintln(stdout, "applied:", strings.Join(applied, ", "))
	return nil
}
