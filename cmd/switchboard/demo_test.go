package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
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

// waitForReply waits until the softphone has printed a reply holding
// words and timed it. On a loaded machine a pause in the reply's audio can
// end its line early, with the timing after the first words and the rest
// on a line of its own: words are looked for across the lines.
func waitForReply(t *testing.T, out *syncBuffer, words string) {
	t.Helper()
	timed := regexp.MustCompile(`\[reply started \d+ ms after you stopped\]`)
	testkit.Eventually(t, 30*time.Second, func() error {
		o := out.String()
		joined := strings.Join(strings.Fields(strings.ReplaceAll(timed.ReplaceAllString(o, ""), "assistant:", "")), " ")
		if !strings.Contains(joined, words) || !timed.MatchString(o) {
			return fmt.Errorf("no timed reply %q in output:\n%s", words, o)
		}
		return nil
	})
}

// demoEngine is `switchboard serve` in demo mode, in-process.
type demoEngine struct {
	addr      string // where it serves
	softphone string // where the softphone's REST API listens, for both
	assistant string // the demo assistant's ID
	out       *syncBuffer
}

// startDemo serves the demo on a fresh database until the test ends.
func startDemo(t *testing.T) *demoEngine {
	t.Helper()
	key := make([]byte, secrets.KeySize)
	t.Setenv("DATABASE_URL", pgtest.DSN(t))
	t.Setenv("SWITCHBOARD_SECRET_KEY", base64.StdEncoding.EncodeToString(key))
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("DEEPGRAM_API_KEY", "")
	t.Setenv("ELEVENLABS_API_KEY", "")
	t.Setenv("SWITCHBOARD_TWILIO_API_URL", "")
	d := &demoEngine{addr: freeAddr(t), softphone: freeAddr(t), out: &syncBuffer{}}
	t.Setenv("SWITCHBOARD_CALL_API_ADDR", d.softphone)

	// The data directory is made before the engine's cleanup is registered,
	// so that it is removed after the engine has stopped writing to it
	// (cleanups run last first): made in the goroutine, it could be removed
	// while a call's recording was still being written.
	dataDir := t.TempDir()
	ctx, stop := context.WithCancel(context.Background())
	var served sync.WaitGroup
	var serveErr error
	served.Go(func() {
		serveErr = run(ctx, []string{"serve", "--addr", d.addr, "--metrics-addr", "", "--data-dir", dataDir,
			"--log-level", "warn"}, nil, d.out, io.Discard)
	})
	t.Cleanup(func() {
		stop()
		served.Wait()
		if serveErr != nil {
			t.Errorf("serve: %v", serveErr)
		}
	})
	d.assistant = waitFor(t, d.out, regexp.MustCompile(`call --assistant (\d+)`))[1]
	waitFor(t, d.out, regexp.MustCompile(`database  sbtest_\w+ on 127\.0\.0\.1:\d+ \(DATABASE_URL\)`))
	return d
}

// softphone runs `switchboard call args…` until the test ends; lines
// written to the returned pipe are typed into it.
func (d *demoEngine) call(t *testing.T, args ...string) (*syncBuffer, *io.PipeWriter, <-chan error) {
	t.Helper()
	stdin, typed := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), append([]string{"call", "--engine", "http://" + d.addr}, args...), stdin, out, io.Discard)
	}()
	t.Cleanup(func() { _ = typed.Close() })
	return out, typed, done
}

// ended waits for the softphone to return.
func ended(t *testing.T, done <-chan error, out *syncBuffer) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("call: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the softphone did not return:\n%s", out.String())
	}
}

// With no provider key, serve runs the demo, and the softphone has a
// conversation with its assistant through the Twilio path: the scripted
// answers are heard, each reply is timed, and "goodbye" ends the call.
func TestDemoConversationThroughTheSoftphone(t *testing.T) {
	d := startDemo(t)
	callOut, typed, done := d.call(t, "--assistant", d.assistant)
	waitFor(t, callOut, regexp.MustCompile(`assistant: Hello, thanks for calling the bike shop\. How can I help\?`))
	fmt.Fprintln(typed, "What are your hours?")
	waitForReply(t, callOut, "We are open from nine to six, Monday to Saturday.")
	fmt.Fprintln(typed, "That's all, goodbye")
	ended(t, done, callOut)
	out := callOut.String()
	if !strings.Contains(out, "Thank you for calling. Goodbye!") ||
		!regexp.MustCompile(`the call ended: completed\. 2 timed replies, median \d+ ms\.`).MatchString(out) {
		t.Fatalf("softphone output:\n%s", out)
	}
}

// placeCall creates an API key in the demo's organization, as `make run`
// does, and places an outbound call from the demo number.
func (d *demoEngine) placeCall(t *testing.T, to string) (key, sid string) {
	t.Helper()
	keyOut := &syncBuffer{}
	if err := run(context.Background(), []string{"keys", "create", "--org", demoOrganization}, nil, keyOut, io.Discard); err != nil {
		t.Fatal(err)
	}
	outLines := strings.Split(strings.TrimSpace(keyOut.String()), "\n")
	key = outLines[len(outLines)-1]
	status, body := d.api(t, key, http.MethodPost, "/api/v1/calls/outbound",
		fmt.Sprintf(`{"assistant_id": %s, "from": "+15550100100", "to": %q}`, d.assistant, to))
	if status != http.StatusCreated {
		t.Fatalf("POST /api/v1/calls/outbound: %d %s", status, body)
	}
	var placed struct {
		CallSID string `json:"call_sid"`
	}
	if err := json.Unmarshal(body, &placed); err != nil || placed.CallSID == "" {
		t.Fatalf("placed call: %s (%v)", body, err)
	}
	return key, placed.CallSID
}

func (d *demoEngine) api(t *testing.T, key, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+d.addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// In demo mode an outbound call needs no softphone: the demo engine's own
// carrier puts it through to the built-in callee, who books a repair and
// says goodbye, which ends the call. A softphone on a call of its own
// (not --answer) is not rung, and its own call goes on.
func TestDemoOutboundCallRingsTheBuiltInCallee(t *testing.T) {
	d := startDemo(t)
	callOut, typed, done := d.call(t, "--assistant", d.assistant)
	waitFor(t, callOut, regexp.MustCompile(`How can I help\?`))
	key, sid := d.placeCall(t, "+15550142424")
	var call struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	testkit.Eventually(t, 60*time.Second, func() error {
		status, body := d.api(t, key, http.MethodGet, "/api/v1/calls/sid/"+sid, "")
		if status != http.StatusOK {
			return fmt.Errorf("GET call: %d %s", status, body)
		}
		if err := json.Unmarshal(body, &call); err != nil {
			return err
		}
		if call.Status != "completed" {
			return fmt.Errorf("call status %q", call.Status)
		}
		return nil
	})
	var transcript []string
	testkit.Eventually(t, 30*time.Second, func() error {
		_, body := d.api(t, key, http.MethodGet, fmt.Sprintf("/api/v1/calls/%d/transcripts", call.ID), "")
		var ts []struct{ Speaker, Content string }
		if err := json.Unmarshal(body, &ts); err != nil {
			return fmt.Errorf("transcripts: %s: %w", body, err)
		}
		transcript = transcript[:0]
		for _, tr := range ts {
			transcript = append(transcript, tr.Speaker+": "+tr.Content)
		}
		all := strings.ToLower(strings.Join(transcript, "\n"))
		for _, want := range []string{"user: hi, speaking", "shall i book you in?", "booked for tomorrow at nine", "thank you for calling. goodbye!"} {
			if !strings.Contains(all, want) {
				return fmt.Errorf("no %q in the transcript:\n%s", want, strings.Join(transcript, "\n"))
			}
		}
		return nil
	})
	_ = typed.Close()
	ended(t, done, callOut)
	if out := callOut.String(); strings.Contains(out, sid) || !strings.Contains(out, "— you hung up.") {
		t.Fatalf("softphone output:\n%s", out)
	}
}

// An outbound demo call rings the softphone when it answers
// (`switchboard call --answer`): the user talks to the assistant there,
// and the softphone waits for the next call when it ends.
func TestDemoOutboundCallRingsTheAnsweringSoftphone(t *testing.T) {
	d := startDemo(t)
	callOut, typed, done := d.call(t, "--answer")
	waitFor(t, callOut, regexp.MustCompile(`Waiting for calls`))
	_, sid := d.placeCall(t, "+15550109999")
	waitFor(t, callOut, regexp.MustCompile(`Incoming call from \+15550100100 to \+15550109999 answered \(call `+sid+`\)`))
	waitFor(t, callOut, regexp.MustCompile(`assistant: Hello, thanks for calling the bike shop\. How can I help\?`))
	fmt.Fprintln(typed, "What are your hours?")
	waitForReply(t, callOut, "We are open from nine to six, Monday to Saturday.")
	fmt.Fprintln(typed, "That's all, goodbye")
	waitFor(t, callOut, regexp.MustCompile(`the call ended: completed\.[^\n]*\nWaiting for calls`))
	_ = typed.Close()
	ended(t, done, callOut)
}

// A line typed while the assistant is speaking is spoken at once and
// barges in: the greeting's line is cut where the line was typed, what
// still played continues it ("…") until the engine's clear, printed with
// how fast the assistant stopped, and the line is answered as its own
// turn, on a line of its own.
func TestSoftphoneBargeIn(t *testing.T) {
	d := startDemo(t)
	callOut, typed, done := d.call(t, "--assistant", d.assistant)
	waitFor(t, callOut, regexp.MustCompile(`assistant: Hello,`))
	fmt.Fprintln(typed, "What are your hours?")
	waitForReply(t, callOut, "We are open from nine to six, Monday to Saturday.")
	fmt.Fprintln(typed, "That's all, goodbye")
	ended(t, done, callOut)
	out := callOut.String()
	cut := regexp.MustCompile(`\nassistant: Hello,[^\n]*…\nyou: What are your hours\?\n` +
		`assistant: …[^\n]*\n?   \[interrupted: it stopped \d+ ms after you started talking\]\n` +
		`assistant: We are open from nine to six, Monday to Saturday\.   \[reply started \d+ ms after you stopped\]\n`)
	if !cut.MatchString(out) || strings.Contains(out, "How can I help?") {
		t.Fatalf("softphone output:\n%s", out)
	}
}

// The demo assistant answers from its bundled customer guide: the fake
// model calls searchKnowledgeBase with the caller's question and reads
// out the passage found.
func TestDemoAnswersFromItsGuide(t *testing.T) {
	d := startDemo(t)
	keyOut := &syncBuffer{}
	if err := run(context.Background(), []string{"keys", "create", "--org", demoOrganization}, nil, keyOut, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(keyOut.String()), "\n")
	key := lines[len(lines)-1]
	testkit.Eventually(t, 30*time.Second, func() error {
		status, body := d.api(t, key, http.MethodGet, "/api/v1/assistants/"+d.assistant+"/documents", "")
		if status != http.StatusOK || !strings.Contains(string(body), `"processing_status":"completed"`) {
			return fmt.Errorf("documents: %d %s", status, body)
		}
		return nil
	})
	callOut, typed, done := d.call(t, "--assistant", d.assistant)
	waitFor(t, callOut, regexp.MustCompile(`How can I help\?`))
	fmt.Fprintln(typed, "How much is a basic service?")
	waitFor(t, callOut, regexp.MustCompile(`(?s)Our customer guide says: .*A basic service costs 49 euros`))
	fmt.Fprintln(typed, "That's all, goodbye")
	ended(t, done, callOut)
}
