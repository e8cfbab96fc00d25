// Command switchboard runs the Switchboard voice-assistant engine and its
// tools: serve, migrate, keys, fakes, call, bench, floor, version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: switchboard <command> [flags]

Commands:
  serve                 run the engine (HTTP API, carrier webhooks and media streams)
  migrate               apply pending database migrations
  keys create --org N   create an API key for organization N (printed once, on the last line)
  keys list --org N     list organization N's API keys (prefix, name, creator, status, dates)
  keys revoke --org N ID  revoke API key ID of organization N
  fakes                 run loopback fakes of every provider (STT, LLM, TTS) and print their base URLs
  call --assistant ID   a terminal softphone: call an assistant through the Twilio path and talk by typing
  bench                 simulate Twilio callers against an engine and measure turn latency, pacing and cost
  floor                 the benchmark's floor relay: a call's I/O (carrier, recogniser, synthesiser) and nothing else
  version               print the version

Environment: DATABASE_URL, SWITCHBOARD_SECRET_KEY, SWITCHBOARD_ADDR, SWITCHBOARD_LOG_FORMAT, SWITCHBOARD_LOG_LEVEL.
Run "switchboard <command> -h" for a command's flags.
`

// errUsage marks errors caused by how the command was invoked (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err on stderr unless it was reported already, and
// returns the exit status: 2 for a usage error, 1 for any other. A bare
// errUsage or flag.ErrHelp follows the usage text its command printed; a
// wrapped errUsage says what was wrong (a missing SWITCHBOARD_SECRET_KEY)
// and must be seen.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case err == errUsage, errors.Is(err, flag.ErrHelp):
		return 2
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "switchboard:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "switchboard:", err)
		return 1
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stdout, stderr)
	case "keys":
		return keys(ctx, args[1:], stdout, stderr)
	case "fakes":
		return runFakes(ctx, args[1:], stdout, stderr)
	case "call":
		return call(ctx, args[1:], stdin, stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "floor":
		return runFloor(ctx, args[1:], stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "switchboard", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}
