package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	vm "github.com/VictoriaMetrics/metrics"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
	"github.com/switchboard-voice/switchboard/metrics"
)

// floorStream is where the floor relay's TwiML sends the media stream.
const floorStream = "/floor/stream"

// FloorProviders are the provider fakes the floor relay reaches: the
// base URLs an engine is given for Deepgram and ElevenLabs.
type FloorProviders struct {
	STT, TTS string
}

// floorProvidersFromEnv picks them out of the fakes' environment
// (SWITCHBOARD_<PROVIDER>_BASE_URL=…).
func floorProvidersFromEnv(env []string) (FloorProviders, error) {
	var p FloorProviders
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "SWITCHBOARD_DEEPGRAM_BASE_URL":
			p.STT = v
		case "SWITCHBOARD_ELEVENLABS_BASE_URL":
			p.TTS = v
		}
	}
	if p.STT == "" || p.TTS == "" {
		return p, errors.New("bench: floor: the fakes name no Deepgram or ElevenLabs base URL")
	}
	return p, nil
}

// ServeFloor serves the floor on ln until ctx is done: a bare relay on
// the engine's own libraries (Fiber, fasthttp websockets, the gateway's
// JSON scanner) that carries the I/O a call makes through an engine —
// the carrier's media in and out, the caller's audio out to the
// recogniser, the synthesiser's audio in — and does nothing else: each
// final transcript the recogniser sends is answered with the scripted
// reply, synthesised and played to the caller on a 20 ms clock. It is the
// least any engine must spend on a call; the engine's CPU per call is
// compared to it. GET /metrics reports its process (goroutines).
func ServeFloor(ctx context.Context, ln net.Listener, p FloorProviders) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ReduceMemoryUsage: true}) // as the engine's server
	twiml := `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="ws://` + ln.Addr().String() + floorStream + `"/></Connect></Response>`
	app.Post(twilio.PathVoice, func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/xml")
		return c.SendString(twiml)
	})
	app.Get(floorStream, websocket.New(func(ws *websocket.Conn) { newFloorCall(ws, p).run() }))
	process := vm.NewSet()
	app.Get("/metrics", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, metrics.ContentType)
		metrics.Write(c.Response().BodyWriter(), process)
		return nil
	})
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
		return fmt.Errorf("bench: floor: %w", err)
	}
	return <-served
}

// startFloor starts the floor in this process, with provider fakes of
// its own.
func startFloor(lat Latencies) (_ *system, err error) {
	s := &system{floor: true, numbers: map[bool]string{false: "+15550000000", true: "+15550000000"}}
	s.errs.Store(&errorCounts{})
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	env, stopFakes, err := serveFakes(lat, "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, stopFakes)
	p, err := floorProvidersFromEnv(env)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: floor: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = ServeFloor(ctx, ln, p) }()
	s.closers = append(s.closers, func() { cancel(); <-done })
	cloud, err := s.addCloud("http://"+ln.Addr().String(), newAccount())
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, cloud.Close)
	return s, nil
}
