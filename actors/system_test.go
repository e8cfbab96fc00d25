package actors_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/actors"
)

// Proto.Actor's "lost connection" to a peer is a warning; its other
// errors stay errors, and its chatter below Warn is dropped.
func TestSystemLogLevels(t *testing.T) {
	var out bytes.Buffer
	sys := actors.NewSystem(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo})))
	log := sys.Logger()
	log.Error("EndpointWriter lost connection", slog.String("address", "10.0.0.2:8090"))
	log.Error("EndpointWriter got invalid connect response")
	log.Info("Started Activator")
	got := out.String()
	for _, want := range []string{`level=WARN msg="EndpointWriter lost connection"`, `level=ERROR msg="EndpointWriter got invalid connect response"`} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Started Activator") {
		t.Errorf("Info chatter logged:\n%s", got)
	}
}
