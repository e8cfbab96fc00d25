package bench

import (
	"encoding/base64"
	"fmt"
	"net"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio"
)

// floorStream is where the floor relay's TwiML sends the media stream.
const floorStream = "/floor/stream"

// startFloor starts the floor: a bare relay on the engine's own libraries
// (Fiber, fasthttp websockets, the gateway's JSON scanner) that answers
// the voice webhook with a media stream and plays each caller frame back
// to the caller on its own 20 ms clock. It is the least any engine must
// spend on a call's media; the engine's CPU per call is compared to it.
func startFloor() (_ *system, err error) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: floor: %w", err)
	}
	url := "http://" + ln.Addr().String()
	twiml := `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="ws://` + ln.Addr().String() + floorStream + `"/></Connect></Response>`
	app.Post(twilio.PathVoice, func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/xml")
		return c.SendString(twiml)
	})
	app.Get(floorStream, websocket.New(relay))
	go func() { _ = app.Listener(ln) }()
	acct := newAccount()
	cl, err := newCloud(url, acct)
	if err != nil {
		_ = app.Shutdown()
		return nil, err
	}
	return &system{cloud: cl, floor: true, numbers: map[bool]string{false: "+15550000000", true: "+15550000000"},
		closers: []func(){func() { _ = app.ShutdownWithTimeout(5 * time.Second) }, cl.Close}}, nil
}

// relay reads Twilio media messages and echoes their audio, paced: one
// reader (this goroutine) and one writer, as the engine's gateway does.
func relay(ws *websocket.Conn) {
	frames := make(chan []byte, 16)
	done := make(chan struct{})
	sid := make(chan string, 1)
	go func() {
		defer close(done)
		echo(ws, frames, sid)
	}()
	defer func() { close(sid); close(frames); <-done }()
	var sc telephony.Scanner
	named := false
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var streamSid, payload []byte
		sc.Reset(msg)
		sc.Object(func(k []byte) {
			switch string(k) {
			case "streamSid":
				streamSid = sc.String()
			case "media":
				sc.Object(func(k2 []byte) {
					if string(k2) == "payload" {
						payload = sc.String()
						return
					}
					sc.Skip()
				})
			default:
				sc.Skip()
			}
		})
		if sc.End() != nil {
			return
		}
		if !named && len(streamSid) > 0 {
			sid <- string(streamSid)
			named = true
		}
		if payload == nil {
			continue
		}
		audio := make([]byte, base64.StdEncoding.DecodedLen(len(payload)))
		n, err := base64.StdEncoding.Decode(audio, payload)
		if err != nil {
			return
		}
		select {
		case frames <- audio[:n]:
		default: // the writer is behind: drop, as a jitter buffer would
		}
	}
}

// echo writes one queued frame every 20 ms, once the stream is named
// (Twilio's start precedes its media), until frames is closed.
func echo(ws *websocket.Conn, frames <-chan []byte, sid <-chan string) {
	streamSid, ok := <-sid
	if !ok {
		return
	}
	t := time.NewTicker(frameDuration)
	defer t.Stop()
	var buf []byte
	for range t.C {
		var f []byte
		select {
		case f = <-frames:
			if f == nil {
				return
			}
		default:
			continue
		}
		buf = append(buf[:0], `{"event":"media","streamSid":"`...)
		buf = append(buf, streamSid...)
		buf = append(buf, `","media":{"payload":"`...)
		buf = base64.StdEncoding.AppendEncode(buf, f)
		buf = append(buf, `"}}`...)
		if err := ws.WriteMessage(websocket.TextMessage, buf); err != nil {
			return
		}
	}
}
