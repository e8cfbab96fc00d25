package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/persistence"
)

// scripts/postgres.sh, which `make run` and `make test` use, names
// Switchboard's own database (creating it if missing), never the server's
// default one, unless DATABASE_URL says otherwise.
func TestPostgresScriptUsesItsOwnDatabase(t *testing.T) {
	cmd := exec.Command("../../scripts/postgres.sh")
	cmd.Env = withoutVariable(os.Environ(), "DATABASE_URL")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("postgres.sh: %v", err)
	}
	url := strings.TrimSpace(string(out))
	pool, err := persistence.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("postgres.sh printed %s: %v", url, err)
	}
	defer pool.Close()
	var name string
	if err := pool.QueryRow(context.Background(), `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "switchboard" {
		t.Fatalf("postgres.sh printed %s: database %q, want switchboard", url, name)
	}

	cmd = exec.Command("../../scripts/postgres.sh")
	cmd.Env = append(withoutVariable(os.Environ(), "DATABASE_URL"), "DATABASE_URL=postgres://elsewhere/db")
	if out, err := cmd.Output(); err != nil || strings.TrimSpace(string(out)) != "postgres://elsewhere/db" {
		t.Fatalf("with DATABASE_URL set, postgres.sh printed %q (%v), want it as it is", out, err)
	}
}

func withoutVariable(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
