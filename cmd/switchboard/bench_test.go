package main

import (
	"flag"
	"io"
	"slices"
	"testing"
)

// --target takes several engines, comma separated or repeated; on the
// command line it replaces SWITCHBOARD_BENCH_TARGET's; a value that is not
// an http(s) URL is refused.
func TestTargetFlagTakesSeveralEngines(t *testing.T) {
	parse := func(args ...string) ([]string, error) {
		u := urlList{urls: []string{"http://from-env:8080"}}
		fs := flag.NewFlagSet("bench", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Var(&u, "target", "")
		err := fs.Parse(args)
		return u.urls, err
	}
	got, err := parse("--target", "http://127.0.0.1:8081,http://127.0.0.1:8082", "--target", "https://node-3.test/")
	if want := []string{"http://127.0.0.1:8081", "http://127.0.0.1:8082", "https://node-3.test/"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	if got, _ := parse(); !slices.Equal(got, []string{"http://from-env:8080"}) {
		t.Fatalf("without the flag: %q", got)
	}
	for _, bad := range []string{"127.0.0.1:8081", "ftp://x", "http://"} {
		if _, err := parse("--target", bad); err == nil {
			t.Errorf("--target %s accepted", bad)
		}
	}
}
