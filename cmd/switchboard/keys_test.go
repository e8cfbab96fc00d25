package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

func TestKeysCreateListRevoke(t *testing.T) {
	t.Setenv("DATABASE_URL", pgtest.DSN(t))
	ctx := context.Background()
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := keys(ctx, args, &out, &errOut)
		return out.String() + errOut.String(), err
	}

	out, err := run("create", "--org", "Acme", "--name", "deploy", "--expires-in", "24h")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`\(id (\d+)\) created, expiring \S+; it is shown once:\n(sb_live_\w+)\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create printed:\n%s", out)
	}
	id, key := m[1], m[2]

	out, err = run("list", "--org", "Acme")
	if err != nil || !strings.Contains(out, key[:12]+"…") || !strings.Contains(out, "admin@acme.local") ||
		!strings.Contains(out, "deploy") || !strings.Contains(out, "active") || strings.Contains(out, key) {
		t.Fatalf("list: %v\n%s", err, out)
	}

	if out, err = run("revoke", "--org", "Acme", id); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if out, _ = run("list", "--org", "Acme"); !strings.Contains(out, "revoked") {
		t.Fatalf("list after revoke:\n%s", out)
	}

	for _, args := range [][]string{
		{}, {"rotate"}, {"list"}, {"revoke", "--org", "Acme"}, {"revoke", "--org", "Acme", "x"},
		{"create", "--org", "Acme", "--expires-in", "-1h"},
	} {
		if _, err := run(args...); !errors.Is(err, errUsage) {
			t.Errorf("keys %q: %v, want a usage error", args, err)
		}
	}
	if _, err := run("list", "--org", "Nobody"); err == nil {
		t.Error("keys list of an unknown organization succeeded")
	}
	if _, err := run("revoke", "--org", "Acme", "999999"); err == nil {
		t.Error("revoking an unknown key succeeded")
	}
}
