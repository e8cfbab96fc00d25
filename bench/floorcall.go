package bench

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	fiberws "github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// floorFrame is one Twilio frame: 20 ms of μ-law at 8 kHz.
const floorFrame = 160

// floorCall is one call through the floor: the carrier's stream (read by
// the handler's goroutine), the recogniser's socket and the synthesiser's
// (each read by a goroutine of its own), and a writer playing the
// synthesised audio on a 20 ms clock. Each socket has one writer: the
// carrier's reader writes to the recogniser, the recogniser's reader to
// the synthesiser, the player to the carrier.
type floorCall struct {
	carrier  *fiberws.Conn
	p        FloorProviders
	stt, tts *websocket.Conn
	wg       sync.WaitGroup

	mu    sync.Mutex
	audio []byte // synthesised; played up to head
	head  int
}

func newFloorCall(ws *fiberws.Conn, p FloorProviders) *floorCall {
	return &floorCall{carrier: ws, p: p}
}

// run relays the call until the carrier's stream ends.
func (c *floorCall) run() {
	defer c.wg.Wait()
	var sc telephony.Scanner
	var audio []byte
	done := make(chan struct{})
	defer func() {
		close(done)
		for _, ws := range []*websocket.Conn{c.stt, c.tts} {
			if ws != nil {
				_ = ws.Close()
			}
		}
	}()
	for {
		_, msg, err := c.carrier.ReadMessage()
		if err != nil {
			return
		}
		var event, streamSid, payload []byte
		sc.Reset(msg)
		sc.Object(func(k []byte) {
			switch string(k) {
			case "event":
				event = sc.String()
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
		switch string(event) {
		case "start":
			if c.stt != nil {
				return
			}
			if c.open(string(streamSid), done) != nil {
				return
			}
		case "media":
			if c.stt == nil {
				return // media before start
			}
			if n := base64.StdEncoding.DecodedLen(len(payload)); cap(audio) < n {
				audio = make([]byte, n)
			}
			n, err := base64.StdEncoding.Decode(audio[:cap(audio)], payload)
			if err != nil {
				return
			}
			if c.stt.WriteMessage(websocket.BinaryMessage, audio[:n]) != nil {
				return
			}
		case "stop":
			return
		}
	}
}

// open dials the recogniser and the synthesiser as an engine does for
// Twilio audio (μ-law at 8 kHz both ways) and starts the call's readers
// and its player.
func (c *floorCall) open(streamSid string, done <-chan struct{}) error {
	q := url.Values{"model": {"nova-3"}, "encoding": {"mulaw"}, "sample_rate": {"8000"}, "channels": {"1"},
		"interim_results": {"true"}, "vad_events": {"true"}, "endpointing": {"300"}}
	stt, _, err := websocket.DefaultDialer.Dial(wsURL(c.p.STT)+"/v1/listen?"+q.Encode(),
		http.Header{"Authorization": {"Token " + fakeKey}})
	if err != nil {
		return err
	}
	c.stt = stt
	q = url.Values{"model_id": {"eleven_flash_v2_5"}, "output_format": {"ulaw_8000"}, "auto_mode": {"true"},
		"inactivity_timeout": {"180"}}
	tts, _, err := websocket.DefaultDialer.Dial(wsURL(c.p.TTS)+"/v1/text-to-speech/bench/stream-input?"+q.Encode(),
		http.Header{"xi-api-key": {fakeKey}})
	if err != nil {
		return err
	}
	c.tts = tts
	if err := tts.WriteMessage(websocket.TextMessage, []byte(`{"text":" "}`)); err != nil {
		return err
	}
	c.wg.Add(3)
	go func() { defer c.wg.Done(); c.hear() }()
	go func() { defer c.wg.Done(); c.receive() }()
	go func() { defer c.wg.Done(); c.play(streamSid, done) }()
	return nil
}

// hear reads the recogniser's results and asks the synthesiser for the
// scripted reply to each final transcript.
func (c *floorCall) hear() {
	var sc telephony.Scanner
	var req []byte
	for {
		_, msg, err := c.stt.ReadMessage()
		if err != nil {
			return
		}
		var final bool
		var transcript []byte
		sc.Reset(msg)
		sc.Object(func(k []byte) {
			switch string(k) {
			case "speech_final":
				final = sc.Bool()
			case "channel":
				if sc.Peek() != '{' { // SpeechStarted's is an array
					sc.Skip()
					return
				}
				sc.Object(func(k []byte) {
					if string(k) != "alternatives" {
						sc.Skip()
						return
					}
					sc.Array(func() {
						if t := sc.StringField("transcript"); transcript == nil {
							transcript = t
						}
					})
				})
			default:
				sc.Skip()
			}
		})
		if sc.End() != nil {
			return
		}
		reply := floorReply(string(transcript))
		if !final || reply == "" {
			continue
		}
		req = append(req[:0], `{"text":`...)
		req = telephony.AppendJSONString(req, reply+" ")
		req = append(req, `,"flush":true}`...)
		if c.tts.WriteMessage(websocket.TextMessage, req) != nil {
			return
		}
	}
}

// floorReply is what the fake model would answer to transcript, or ""
// for what the engine would not answer (a backchannel).
func floorReply(transcript string) string {
	for _, r := range Script.Rules {
		if strings.Contains(transcript, r.Contains) {
			return r.Reply
		}
	}
	return ""
}

// receive reads the synthesiser's audio into the call's queue.
func (c *floorCall) receive() {
	var sc telephony.Scanner
	var audio []byte
	for {
		_, msg, err := c.tts.ReadMessage()
		if err != nil {
			return
		}
		var payload []byte
		sc.Reset(msg)
		sc.Object(func(k []byte) {
			if string(k) == "audio" && sc.Peek() == '"' {
				payload = sc.String()
				return
			}
			sc.Skip()
		})
		if sc.End() != nil {
			return
		}
		if len(payload) == 0 {
			continue
		}
		if n := base64.StdEncoding.DecodedLen(len(payload)); cap(audio) < n {
			audio = make([]byte, n)
		}
		n, err := base64.StdEncoding.Decode(audio[:cap(audio)], payload)
		if err != nil {
			return
		}
		c.mu.Lock()
		c.audio = append(c.audio, audio[:n]...)
		c.mu.Unlock()
	}
}

// play writes one frame of the queued audio every 20 ms until done.
func (c *floorCall) play(streamSid string, done <-chan struct{}) {
	t := time.NewTicker(frameDuration)
	defer t.Stop()
	var buf []byte
	frame := make([]byte, floorFrame)
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		c.mu.Lock()
		n := copy(frame, c.audio[c.head:])
		if c.head += n; c.head == len(c.audio) {
			c.audio, c.head = c.audio[:0], 0
		}
		c.mu.Unlock()
		if n == 0 {
			continue
		}
		buf = append(buf[:0], `{"event":"media","streamSid":"`...)
		buf = append(buf, streamSid...)
		buf = append(buf, `","media":{"payload":"`...)
		buf = base64.StdEncoding.AppendEncode(buf, frame[:n])
		buf = append(buf, `"}}`...)
		if err := c.carrier.WriteMessage(fiberws.TextMessage, buf); err != nil {
			return
		}
	}
}

// wsURL turns an http(s) base URL into a ws(s) one.
func wsURL(base string) string {
	if rest, ok := strings.CutPrefix(base, "http"); ok {
		return "ws" + rest
	}
	return base
}
