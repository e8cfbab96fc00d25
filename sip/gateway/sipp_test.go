package gateway_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/voice"
)

// freeUDPPort is a UDP port (and the one after it) free on loopback now.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	for range 50 {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		next, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port+1))
		_ = c.Close()
		if err == nil {
			_ = next.Close()
			if port%2 == 0 {
				return port
			}
		}
	}
	t.Fatal("no free UDP port pair")
	return 0
}

// TestSIPpCallsIn has SIPp, a SIP implementation nobody here wrote, call
// the gateway as a trunk: it hears the greeting as RTP (and, echoing it
// back, the assistant hears its own greeting), then hangs up.
func TestSIPpCallsIn(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatal("SIPp is not installed: scripts/deps.sh test installs it (Debian package sip-tester)")
	}
	r := newRig(t, telephonytest.Welcome(telephonytest.Greeting))
	r.trunk(t, "", "", "127.0.0.1/32")
	var mu sync.Mutex
	var heard []string
	r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		mu.Lock()
		heard = append(heard, telephonytest.LastMessage(req))
		mu.Unlock()
		return "You said: " + telephonytest.LastMessage(req), nil
	}
	// As in rig.dial: the manager's lock publishes Reply to SIPp's call.
	_ = r.Calls.Count()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sipp, "-sf", filepath.Join("testdata", "sipp", "inbound.xml"),
		"-s", telephonytest.Number, "-i", "127.0.0.1", "-p", fmt.Sprint(freeUDPPort(t)),
		"-mi", "127.0.0.1", "-mp", fmt.Sprint(freeUDPPort(t)), "-rtp_echo",
		"-cid_str", "sipp-inbound-%u", "-m", "1", "-timeout", "40s", "-timeout_error", "-nostdin", "-trace_err", "-error_file", filepath.Join(t.TempDir(), "errors.log"),
		r.addr().String())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("sipp: %v\n%s", err, out.String())
	}
	const id = "sipp-inbound-1" // the scenario's Call-ID
	if cs := r.Events.Of(id, "call-started"); len(cs) != 1 || cs[0].(events.CallStarted).Carrier != "sip" {
		t.Fatalf("started %v", cs)
	}
	if end := r.WaitEnded(id); end.Reason != events.EndCallerHungUp {
		t.Fatalf("ended %+v", end)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(heard, " "), "Hello there") {
		t.Fatalf("the greeting did not make the round trip through SIPp: the assistant heard %q", heard)
	}
}
