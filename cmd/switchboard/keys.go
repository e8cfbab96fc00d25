package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/persistence"
)

const keysUsage = `usage: switchboard keys create --org NAME [--email EMAIL] [--name LABEL] [--expires-in DURATION]
       switchboard keys list --org NAME
       switchboard keys revoke --org NAME KEY_ID`

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

func keys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, keysUsage)
		return errUsage
	}
	switch args[0] {
	case "create":
		return createKey(ctx, args[1:], stdout, stderr)
	case "list":
		return listKeys(ctx, args[1:], stdout, stderr)
	case "revoke":
		return revokeKey(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintln(stderr, keysUsage)
		return errUsage
	}
}

// orgFlag registers --org, required by every keys subcommand.
func orgFlag(fs *flag.FlagSet) *string {
	return fs.String("org", os.Getenv("SWITCHBOARD_KEY_ORG"), "organization name (SWITCHBOARD_KEY_ORG)")
}

func requireOrg(cmd, org string, stderr io.Writer) (string, error) {
	org = strings.TrimSpace(org)
	if org == "" {
		fmt.Fprintf(stderr, "keys %s: --org is required\n", cmd)
		return "", errUsage
	}
	return org, nil
}

// openStore connects to the database and migrates it.
func openStore(ctx context.Context) (*persistence.Store, func(), error) {
	pool, err := persistence.Open(ctx, databaseURL())
	if err != nil {
		return nil, nil, err
	}
	if _, err := persistence.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, nil, err
	}
	return persistence.NewStore(pool), pool.Close, nil
}

func createKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := orgFlag(fs)
	email := fs.String("email", os.Getenv("SWITCHBOARD_KEY_EMAIL"), "the key's user, created as an admin if missing; default admin@<org>.local (SWITCHBOARD_KEY_EMAIL)")
	name := fs.String("name", envOr("SWITCHBOARD_KEY_NAME", "cli"), "a label for the key (SWITCHBOARD_KEY_NAME)")
	expiresIn := fs.Duration("expires-in", 0, "the key stops working after this long, e.g. 720h; 0: never")
	if err := parse(fs, args); err != nil {
		return err
	}
	orgName, err := requireOrg("create", *org, stderr)
	if err != nil {
		return err
	}
	if *expiresIn < 0 {
		fmt.Fprintln(stderr, "keys create: --expires-in must not be negative")
		return errUsage
	}
	if *email == "" {
		*email = "admin@" + strings.Trim(slugUnsafe.ReplaceAllString(strings.ToLower(orgName), "-"), "-") + ".local"
	}
	store, closeStore, err := openStore(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	o, err := store.EnsureOrganization(ctx, orgName)
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
	n := persistence.NewAPIKey{OrganizationID: o.ID, UserID: userID, Name: *name, Digest: digest, Display: display}
	if *expiresIn > 0 {
		at := time.Now().Add(*expiresIn)
		n.ExpiresAt = &at
	}
	k, err := store.InsertAPIKey(ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "organization %q (id %d), user %s (id %d)\n", o.Name, o.ID, *email, userID)
	fmt.Fprintf(stdout, "API key %s… (id %d) created%s; it is shown once:\n", display, k.ID, expiry(k.ExpiresAt))
	fmt.Fprintln(stdout, key)
	return nil
}

func expiry(at *time.Time) string {
	if at == nil {
		return ""
	}
	return ", expiring " + at.UTC().Format(time.RFC3339)
}

func listKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := orgFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	orgName, err := requireOrg("list", *org, stderr)
	if err != nil {
		return err
	}
	store, closeStore, err := openStore(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	o, err := store.OrganizationByName(ctx, orgName)
	if err != nil {
		return fmt.Errorf("organization %q: %w", orgName, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPREFIX\tNAME\tCREATED BY\tSTATUS\tCREATED\tLAST USED\tEXPIRES")
	const page = 1000
	for skip := 0; ; skip += page {
		list, total, err := store.ListAPIKeys(ctx, persistence.APIKeyScope{OrganizationID: o.ID}, skip, page)
		if err != nil {
			return err
		}
		for _, k := range list {
			fmt.Fprintf(tw, "%d\t%s…\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.KeyPrefix, k.Name, k.CreatedBy, k.Status,
				stamp(&k.CreatedAt), stamp(k.LastUsedAt), stamp(k.ExpiresAt))
		}
		if skip+page >= total {
			break
		}
	}
	return tw.Flush()
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func revokeKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys revoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := orgFlag(fs)
	if err := fs.Parse(args); err != nil { // the key id follows the flags
		return err
	}
	orgName, err := requireOrg("revoke", *org, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "keys revoke: give one KEY_ID (see keys list)")
		return errUsage
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		fmt.Fprintf(stderr, "keys revoke: KEY_ID %q is not a positive integer\n", fs.Arg(0))
		return errUsage
	}
	store, closeStore, err := openStore(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	o, err := store.OrganizationByName(ctx, orgName)
	if err != nil {
		return fmt.Errorf("organization %q: %w", orgName, err)
	}
	k, _, err := store.RevokeAPIKey(ctx, persistence.APIKeyScope{OrganizationID: o.ID}, id)
	if err != nil {
		return fmt.Errorf("API key %d of %q: %w", id, orgName, err)
	}
	fmt.Fprintf(stdout, "API key %s… (id %d, %q) revoked at %s; every node refuses it within a second\n",
		k.KeyPrefix, k.ID, k.Name, stamp(k.RevokedAt))
	return nil
}
