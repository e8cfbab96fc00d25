package aurafake

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/voice"
)

// modelPattern matches Aura model names (aura-asteria-en, aura-2-thalia-en).
var modelPattern = regexp.MustCompile(`^aura-(2-)?[a-z]+-[a-z]{2}$`)

// encodings are the service's, with their sample rates.
var encodings = map[string]struct {
	enc   voice.Encoding
	rates []int
}{
	"linear16": {voice.PCM16, []int{8000, 16000, 24000, 32000, 48000}},
	"mulaw":    {voice.ULaw, []int{8000, 16000}},
	"alaw":     {voice.ALaw, []int{8000, 16000}},
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if !isSpeakPath(r.URL.Path) {
		writeJSON(w, http.StatusNotFound, apiError("NOT_FOUND", "Not found."))
		return
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Token ")
	if !ok || !f.keyOK(key) {
		writeJSON(w, http.StatusUnauthorized, apiError("INVALID_AUTH", "Invalid credentials."))
		return
	}
	q := r.URL.Query()
	model, encoding := q.Get("model"), q.Get("encoding")
	if model == "" {
		model = "aura-asteria-en"
	}
	if encoding == "" {
		encoding = "linear16"
	}
	if !modelPattern.MatchString(model) {
		badRequest(w, "No such model: "+model)
		return
	}
	e, ok := encodings[encoding]
	if !ok {
		badRequest(w, "Unsupported encoding: "+encoding)
		return
	}
	allowed := e.rates
	rate := allowed[0]
	if encoding == "linear16" {
		rate = 24000
	}
	if v := q.Get("sample_rate"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !contains(allowed, n) {
			badRequest(w, "Unsupported sample_rate "+v+" for encoding "+encoding)
			return
		}
		rate = n
	}
	if v := q.Get("speed"); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err != nil || s <= 0 || s > 2 {
			badRequest(w, "Invalid speed "+v)
			return
		}
	}
	// recorded before the handshake completes, so that sockets are listed
	// in the order clients saw them open
	rec := &Socket{Query: q}
	f.mu.Lock()
	f.sockets = recent.Append(f.opts.Records, f.sockets, rec)
	f.mu.Unlock()
	f.live.Serve(w, r, func() { rec.Closed = true }, func(ctx context.Context, ws *websocket.Conn) {
		c := &conn{
			f: f, ws: ws, rec: rec, fault: fault.FromRequest(r), model: model,
			format: voice.Format{Encoding: e.enc, SampleRate: rate},
			jobs:   make(chan job, 256),
		}
		c.run(ctx)
	})
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func badRequest(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(map[string]string{"err_code": "INVALID_QUERY_PARAMETER", "err_msg": msg, "request_id": "00000000-0000-4000-8000-000000000000"})
	writeJSON(w, http.StatusBadRequest, b)
}

// conn is one /v1/speak socket: the handler goroutine reads client
// messages and queues generations; a generator goroutine streams them.
type conn struct {
	f      *Fake
	ws     *websocket.Conn
	rec    *Socket
	fault  fault.Fault
	format voice.Format
	model  string

	wmu   sync.Mutex // one writer at a time; guards epoch and sent
	epoch int        // bumped by Clear: queued and playing audio of older epochs is dropped
	sent  int        // stream messages sent (counted for faults)
	jobs  chan job

	text    string      // text received and not yet generated
	flushes int         // Flush messages received
	window  []time.Time // accepted Flushes in the last minute
}

// job is one generation: text to speak, then Flushed if it ends a Flush.
type job struct {
	text  string
	at    time.Time
	flush bool
	seq   int
	epoch int
}

func (c *conn) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.generate(ctx)
	}()
	c.control(map[string]any{
		"type": "Metadata", "request_id": "00000000-0000-4000-8000-000000000001",
		"model_name": c.model, "model_version": "fake", "model_uuid": "00000000-0000-4000-8000-000000000002",
	})
	c.read()
	cancel()
	c.ws.Close()
	<-done
}

func (c *conn) read() {
	clk := c.f.opts.Clock
	idle := c.idleTimer()
	defer func() { idle.Stop() }()
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		idle.Stop()
		idle = c.idleTimer()
		var m struct{ Type, Text string }
		if mt != websocket.TextMessage || json.Unmarshal(data, &m) != nil {
			c.warn("INVALID_MESSAGE", "Messages must be JSON text")
			continue
		}
		c.f.mu.Lock()
		c.rec.Messages = append(c.rec.Messages, Message{Type: m.Type, Text: m.Text, Raw: string(data)})
		c.f.mu.Unlock()
		switch m.Type {
		case "Speak":
			c.text += m.Text
			if i := lastSentenceEnd(c.text); i > 0 {
				c.queue(job{text: c.text[:i], at: clk.Now()})
				c.text = c.text[i:]
			}
		case "Flush":
			seq := c.flushes
			c.flushes++
			if !c.allowFlush() {
				c.warn("FLUSH_LIMIT_EXCEEDED", "Too many Flush messages: at most "+strconv.Itoa(c.f.opts.FlushLimit)+" per 60 seconds")
				continue
			}
			c.queue(job{text: c.text, at: clk.Now(), flush: true, seq: seq})
			c.text = ""
		case "Clear":
			c.text = ""
			c.wmu.Lock()
			c.epoch++
			c.wmu.Unlock()
			c.control(map[string]any{"type": "Cleared", "sequence_id": c.flushes})
		case "Close":
			c.closeWith(websocket.CloseNormalClosure, "")
			return
		default:
			c.warn("INVALID_MESSAGE", "Unknown message type "+strconv.Quote(m.Type))
		}
	}
}

func (c *conn) queue(j job) {
	c.wmu.Lock()
	j.epoch = c.epoch
	c.wmu.Unlock()
	c.jobs <- j
}

// allowFlush applies the service's limit on Flushes per minute.
func (c *conn) allowFlush() bool {
	if c.f.opts.FlushLimit < 0 {
		return true
	}
	now := c.f.opts.Clock.Now()
	for len(c.window) > 0 && now.Sub(c.window[0]) >= time.Minute {
		c.window = c.window[1:]
	}
	if len(c.window) >= c.f.opts.FlushLimit {
		return false
	}
	c.window = append(c.window, now)
	return true
}

func (c *conn) idleTimer() clock.Timer {
	if c.f.opts.IdleTimeout <= 0 {
		return noTimer{}
	}
	return c.f.opts.Clock.AfterFunc(c.f.opts.IdleTimeout, func() {
		c.closeWith(websocket.CloseNormalClosure, "idle timeout")
	})
}

type noTimer struct{}

func (noTimer) Stop() bool               { return false }
func (noTimer) Reset(time.Duration) bool { return false }

// lastSentenceEnd is the index just past the last sentence-ending mark
// followed by a space or the end of text, or 0 if there is none.
func lastSentenceEnd(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if strings.ContainsRune(".?!", rune(s[i])) && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n') {
			return i + 1
		}
	}
	return 0
}

func (c *conn) warn(code, description string) {
	c.control(map[string]any{"type": "Warning", "code": code, "description": description})
}

func (c *conn) control(m map[string]any) {
	b, _ := json.Marshal(m)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *conn) closeWith(code int, reason string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.ws.Close()
}

// generate streams the queued generations in order, paced by FirstByte and
// Speed, dropping what a Clear made stale and applying the connection's
// drop or stall fault.
func (c *conn) generate(ctx context.Context) {
	o := c.f.opts
	gens := 0
	for {
		var j job
		select {
		case j = <-c.jobs:
		case <-ctx.Done():
			return
		}
		if c.stale(j.epoch) {
			continue
		}
		if !sleepUntil(ctx, o.Clock, j.at.Add(o.FirstByte)) {
			return
		}
		if words := fakespeech.Words(j.text); len(words) > 0 {
			audio := synth(words, c.format, gens > 0)
			gens++
			t0 := o.Clock.Now()
			step := c.format.Bytes(o.Chunk)
			for k := 0; k*step < len(audio) && !c.stale(j.epoch); k++ {
				from := time.Duration(k) * o.Chunk
				if o.Speed > 0 && !sleepUntil(ctx, o.Clock, t0.Add(time.Duration(float64(from)/o.Speed))) {
					return
				}
				if !c.send(ctx, j.epoch, websocket.BinaryMessage, audio[k*step:min((k+1)*step, len(audio))]) {
					return
				}
			}
		}
		if j.flush {
			b, _ := json.Marshal(map[string]any{"type": "Flushed", "sequence_id": j.seq})
			if !c.send(ctx, j.epoch, websocket.TextMessage, b) {
				return
			}
		}
	}
}

func (c *conn) stale(epoch int) bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return epoch != c.epoch
}

// send writes one stream message unless a Clear made it stale, or the
// connection's fault says to cut (Drop) or go silent (Stall) after
// fault.After messages. It reports false when the stream is over.
func (c *conn) send(ctx context.Context, epoch, mt int, data []byte) bool {
	if (c.fault.Kind == fault.Drop || c.fault.Kind == fault.Stall) && c.sent >= c.fault.After {
		if c.fault.Kind == fault.Drop {
			c.ws.NetConn().Close()
		} else {
			<-ctx.Done()
		}
		return false
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if epoch != c.epoch {
		return true
	}
	c.sent++
	return c.ws.WriteMessage(mt, data) == nil
}

// sleepUntil waits on clk until t, or returns false if ctx ends first.
func sleepUntil(ctx context.Context, clk clock.Clock, t time.Time) bool {
	d := t.Sub(clk.Now())
	if d <= 0 {
		return ctx.Err() == nil
	}
	ch := make(chan struct{})
	tm := clk.AfterFunc(d, func() { close(ch) })
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		tm.Stop()
		return false
	}
}
