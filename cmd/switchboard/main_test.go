package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
)

// A usage error that says what was wrong is shown; one that follows the
// usage text its command printed, or -help, is not shown twice.
func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
		says string
	}{
		{nil, 0, ""},
		{errUsage, 2, ""},
		{flag.ErrHelp, 2, ""},
		{fmt.Errorf("%w: -gc-percent must be at least 1", errUsage), 2, "switchboard: usage: -gc-percent must be at least 1\n"},
		{errors.New("database unreachable"), 1, "switchboard: database unreachable\n"},
	} {
		var stderr bytes.Buffer
		if code := exitCode(c.err, &stderr); code != c.code || stderr.String() != c.says {
			t.Errorf("%v: exit %d, said %q; want %d, %q", c.err, code, stderr.String(), c.code, c.says)
		}
	}
}

// serve without its secret key exits 2 and says which setting is missing.
func TestServeWithoutSecretKeySaysSo(t *testing.T) {
	t.Setenv("SWITCHBOARD_SECRET_KEY", "")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--gc-percent", "0"}, strings.NewReader(""), &stdout, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "SWITCHBOARD_SECRET_KEY is not set") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}
