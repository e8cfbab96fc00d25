package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/secrets"
)

// runEnv, set in a child process's environment, makes the test binary run
// `switchboard` with the arguments that follow it (separated by the unit separator, 0x1F) instead
// of the tests: a real process that a test can kill -9.
const runEnv = "SWITCHBOARD_TEST_RUN"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(runEnv); ok {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	removeBinary()
	os.Exit(code)
}

// child is `switchboard args…` in a process of its own.
type child struct {
	cmd *exec.Cmd
	out *syncBuffer
}

func startChild(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0]), out: &syncBuffer{}}
	c.cmd.Env = append(append(os.Environ(), env...), runEnv+"="+strings.Join(args, "\x1f"))
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

// kill -9 during a database outage, mid-call: the turns the caller had
// while the database was away were spilled (not held in memory only), so
// after the restart the call's row has every turn but those of the last
// 200 ms, and the call is closed as engine-restarted. The second run, sent
// SIGTERM, drains and exits 0.
func TestKilledMidCallDuringAnOutage(t *testing.T) {
	dsn := pgtest.DSN(t)
	proxy, proxied := pgtest.NewProxy(t, dsn)
	dataDir := t.TempDir()
	addr, softphone := freeAddr(t), freeAddr(t)
	env := []string{"DATABASE_URL=" + proxied + "&connect_timeout=2",
		"SWITCHBOARD_SECRET_KEY=" + base64.StdEncoding.EncodeToString(make([]byte, secrets.KeySize)),
		"OPENAI_API_KEY=", "DEEPGRAM_API_KEY=", "ELEVENLABS_API_KEY=", "SWITCHBOARD_TWILIO_API_URL=",
		"SWITCHBOARD_CALL_API_ADDR=" + softphone}
	serve := []string{"serve", "--addr", addr, "--metrics-addr", "", "--data-dir", dataDir, "--log-level", "warn"}
	first := startChild(t, env, serve...)
	assistant := waitFor(t, first.out, regexp.MustCompile(`call --assistant (\d+)`))[1]

	t.Setenv("SWITCHBOARD_CALL_API_ADDR", softphone)
	t.Setenv("DATABASE_URL", dsn) // the softphone looks the number up
	stdin, typed := io.Pipe()
	callOut := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"call", "--engine", "http://" + addr, "--assistant", assistant}, stdin, callOut, io.Discard)
	}()
	t.Cleanup(func() { _ = typed.Close() })
	waitFor(t, callOut, regexp.MustCompile(`assistant: Hello, thanks for calling the bike shop\.`))
	fmt.Fprintln(typed, "What are your hours?")
	hours := regexp.MustCompile(`nine to six, Monday to Saturday\.`)
	waitFor(t, callOut, hours)

	proxy.Cut()
	fmt.Fprintln(typed, "Do you repair bikes?")
	waitFor(t, callOut, regexp.MustCompile(`(?s)Do you repair bikes\?.*assistant: .+`))
	// the caller's turn and the reply, spilled: the crash cannot take them
	spill := filepath.Join(dataDir, "records.spill")
	testkit.Eventually(t, 30*time.Second, func() error {
		b, _ := os.ReadFile(spill)
		if !strings.Contains(string(b), "repair") {
			return fmt.Errorf("the outage's turn is not in %s yet", spill)
		}
		return nil
	})
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	select {
	case <-done: // the softphone's stream went with the engine
	case <-time.After(30 * time.Second):
		t.Fatalf("the softphone did not notice the engine's death:\n%s", callOut.String())
	}
	proxy.Restore()

	second := startChild(t, env, serve...)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	var reason string
	var said []string
	testkit.Eventually(t, 60*time.Second, func() error {
		var r *string
		if err := conn.QueryRow(t.Context(), `SELECT ended_reason FROM calls`).Scan(&r); err != nil {
			return err
		}
		if r == nil {
			return fmt.Errorf("the killed run's call is still open")
		}
		reason = *r
		rows, err := conn.Query(t.Context(), `SELECT speaker || ': ' || content FROM transcripts ORDER BY seq`)
		if err != nil {
			return err
		}
		said, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	all := strings.Join(said, "\n")
	if reason != events.EndEngineRestarted || !strings.Contains(all, "are your hours?") ||
		!hours.MatchString(all) || !strings.Contains(all, "user: Do you repair bikes?") {
		t.Fatalf("after the restart: ended %q, transcript:\n%s\nsecond run:\n%s", reason, all, second.out.String())
	}
	if _, err := os.Stat(spill); err == nil {
		if b, _ := os.ReadFile(spill); len(b) > 0 {
			t.Fatalf("the spill file still holds %d bytes after the restart", len(b))
		}
	}

	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.cmd.Wait(); err != nil {
		t.Fatalf("the second run, drained: %v\n%s", err, second.out.String())
	}
}
