package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/persistence"
)

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

func keys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: switchboard keys create --org NAME [--email EMAIL] [--name LABEL]")
		return errUsage
	}
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", os.Getenv("SWITCHBOARD_KEY_ORG"), "organization name, created if missing (SWITCHBOARD_KEY_ORG)")
	email := fs.String("email", os.Getenv("SWITCHBOARD_KEY_EMAIL"), "the key's user, created as an admin if missing; default admin@<org>.local (SWITCHBOARD_KEY_EMAIL)")
	name := fs.String("name", envOr("SWITCHBOARD_KEY_NAME", "cli"), "a label for the key (SWITCHBOARD_KEY_NAME)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if strings.TrimSpace(*org) == "" {
		fmt.Fprintln(stderr, "keys create: --org is required")
		return errUsage
	}
	if *email == "" {
		*email = "admin@" + strings.Trim(slugUnsafe.ReplaceAllString(strings.ToLower(*org), "-"), "-") + ".local"
	}

	pool, err := persistence.Open(ctx, databaseURL())
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := persistence.Migrate(ctx, pool); err != nil {
		return err
	}
	store := persistence.NewStore(pool)
	o, err := store.EnsureOrganization(ctx, strings.TrimSpace(*org))
	if err != nil {
		return err
	}
	userID, err := store.EnsureUser(ctx, o.ID, *email)
	if err != nil {
		return err
	}
	key, digest, display, err := auth.NewKey()
	if err != nil {
		return err
	}
	if _, err := store.CreateAPIKey(ctx, o.ID, userID, *name, digest, display); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "organization %q (id %d), user %s (id %d)\n", o.Name, o.ID, *email, userID)
	fmt.Fprintf(stdout, "API key %s… created; it is shown once:\n", display)
	fmt.Fprintln(stdout, key)
	return nil
}
