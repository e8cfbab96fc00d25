package gateway_test

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/voice"
)

// TestSIPpAnswersOutbound has SIPp, as a trunk's far end, answer a call
// the engine places: it hears the greeting as RTP (and, echoing it back,
// the assistant hears its own greeting), then hangs up.
func TestSIPpAnswersOutbound(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatal("SIPp is not installed: scripts/deps.sh test installs it (Debian package sip-tester)")
	}
	r := &outboundRig{rig: newRig(t, telephonytest.Welcome(telephonytest.Greeting))}
	var mu sync.Mutex
	var heard []string
	r.LLM.Reply = func(req voice.LLMRequest) (string, []voice.ToolCall) {
		mu.Lock()
		heard = append(heard, telephonytest.LastMessage(req))
		mu.Unlock()
		return "You said: " + telephonytest.LastMessage(req), nil
	}
	port := freeUDPPort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	r.trunks.mu.Lock()
	r.trunks.list = append(r.trunks.list, persistence.SIPTrunk{ID: 9, OrganizationID: telephonytest.OrgID, Name: "sipp",
		IsActive: true, OutboundAddress: &addr, OutboundTransport: "udp"})
	r.trunks.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sipp, "-sf", filepath.Join("testdata", "sipp", "outbound.xml"),
		"-i", "127.0.0.1", "-p", fmt.Sprint(port), "-mi", "127.0.0.1", "-mp", fmt.Sprint(freeUDPPort(t)), "-rtp_echo",
		"-m", "1", "-timeout", "40s", "-timeout_error", "-nostdin", "-trace_err", "-error_file", filepath.Join(t.TempDir(), "errors.log"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The INVITE is retransmitted over UDP until SIPp listens.
	sid := r.place(t)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sipp: %v\n%s", err, out.String())
	}
	if cs := r.Events.Of(sid, "call-started"); len(cs) != 1 || cs[0].(events.CallStarted).Direction != "outbound" {
		t.Fatalf("started %v", cs)
	}
	if end := r.WaitEnded(sid); end.Reason != events.EndCallerHungUp {
		t.Fatalf("ended %+v", end)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(heard, " "), "Hello there") {
		t.Fatalf("the greeting did not make the round trip through SIPp: the assistant heard %q", heard)
	}
}
