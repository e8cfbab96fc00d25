package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/secrets"
)

// syncBuffer is an output a command writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitFor polls out until it matches re, and returns the submatches.
func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	var m []string
	testkit.Eventually(t, 30*time.Second, func() error {
		if m = re.FindStringSubmatch(out.String()); m == nil {
			return fmt.Errorf("no %q in output:\n%s", re, out.String())
		}
		return nil
	})
	return m
}

// With no provider key, serve runs the demo, and the softphone has a
// conversation with its assistant through the Twilio path: the scripted
// answers are heard, each reply is timed, and "goodbye" ends the call.
func TestDemoConversationThroughTheSoftphone(t *testing.T) {
	key := make([]byte, secrets.KeySize)
	t.Setenv("DATABASE_URL", pgtest.DSN(t))
	t.Setenv("SWITCHBOARD_SECRET_KEY", base64.StdEncoding.EncodeToString(key))
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("DEEPGRAM_API_KEY", "")
	t.Setenv("ELEVENLABS_API_KEY", "")
	twilioAPI := freeAddr(t)
	t.Setenv("SWITCHBOARD_TWILIO_API_URL", "http://"+twilioAPI)
	addr := freeAddr(t)

	ctx, stop := context.WithCancel(context.Background())
	var served sync.WaitGroup
	var serveErr error
	serveOut := &syncBuffer{}
	served.Go(func() {
		serveErr = run(ctx, []string{"serve", "--addr", addr, "--metrics-addr", "", "--data-dir", t.TempDir(),
			"--log-level", "warn"}, nil, serveOut, io.Discard)
	})
	t.Cleanup(func() {
		stop()
		served.Wait()
		if serveErr != nil {
			t.Errorf("serve: %v", serveErr)
		}
	})
	id := waitFor(t, serveOut, regexp.MustCompile(`call --assistant (\d+)`))[1]
	waitFor(t, serveOut, regexp.MustCompile(`database  sbtest_\w+ on 127\.0\.0\.1:\d+ \(DATABASE_URL\)`))

	stdin, typed := io.Pipe()
	callOut := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"call", "--assistant", id, "--engine", "http://" + addr,
			"--api-addr", twilioAPI}, stdin, callOut, io.Discard)
	}()
	waitFor(t, callOut, regexp.MustCompile(`assistant: Hello, thanks for calling the bike shop\. How can I help\?`))
	fmt.Fprintln(typed, "What are your hours?")
	waitFor(t, callOut, regexp.MustCompile(`nine to six, Monday to Saturday\.\s+\[reply started \d+ ms after you stopped\]`))
	fmt.Fprintln(typed, "That's all, goodbye")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("call: %v\n%s", err, callOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the call did not end:\n%s", callOut.String())
	}
	_ = typed.Close()
	out := callOut.String()
	if !strings.Contains(out, "Thank you for calling. Goodbye!") ||
		!regexp.MustCompile(`the call ended: completed\. 2 timed replies, median \d+ ms\.`).MatchString(out) {
		t.Fatalf("softphone output:\n%s", out)
	}
}
