package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/switchboard-voice/switchboard/bench"
)

// runFloor runs `switchboard floor`: the benchmark's floor relay, in a
// process of its own (`switchboard bench --engine-process` starts it).
func runFloor(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9400", "listen address: Twilio's voice webhook, the media stream and /metrics")
	var p bench.FloorProviders
	fs.StringVar(&p.STT, "stt", "", "the Deepgram fake's base URL (SWITCHBOARD_DEEPGRAM_BASE_URL as `switchboard fakes` prints it)")
	fs.StringVar(&p.TTS, "tts", "", "the ElevenLabs fake's base URL (SWITCHBOARD_ELEVENLABS_BASE_URL as `switchboard fakes` prints it)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if p.STT == "" || p.TTS == "" {
		return fmt.Errorf("%w: --stt and --tts are required", errUsage)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	return bench.ServeFloor(ctx, ln, p)
}
