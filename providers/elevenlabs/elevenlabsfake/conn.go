package elevenlabsfake

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/voice"
)

// defaultSchedule is the service's chunk_length_schedule.
var defaultSchedule = []int{120, 160, 250, 290}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	voiceID, ok := route(r.URL.Path)
	if !ok {
		writeJSON(w, http.StatusNotFound, `{"detail":"Not Found"}`)
		return
	}
	key := r.Header.Get("xi-api-key")
	if key != "" && !f.keyOK(key) {
		writeJSON(w, http.StatusUnauthorized, string(detail("invalid_api_key", "Invalid API key")))
		return
	}
	q := r.URL.Query()
	name := q.Get("output_format")
	if name == "" {
		name = "mp3_44100_128"
	}
	format, ok := parseFormat(name)
	if !ok {
		invalidQuery(w, "output_format", "output format "+name+" is not supported by this fake")
		return
	}
	if v := q.Get("optimize_streaming_latency"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 4 {
			invalidQuery(w, "optimize_streaming_latency", "must be an integer from 0 to 4")
			return
		}
	}
	inactivity := 20 * time.Second
	if v := q.Get("inactivity_timeout"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 180 {
			invalidQuery(w, "inactivity_timeout", "must be an integer from 1 to 180")
			return
		}
		inactivity = time.Duration(n) * time.Second
	}
	if f.opts.InactivityTimeout > 0 {
		inactivity = f.opts.InactivityTimeout
	}
	// recorded before the handshake completes, so that sockets are listed
	// in the order clients saw them open
	rec := &Socket{VoiceID: voiceID, Query: q}
	f.mu.Lock()
	f.sockets = recent.Append(f.opts.Records, f.sockets, rec)
	f.mu.Unlock()
	f.live.Serve(w, r, func() { rec.Closed = true }, func(ctx context.Context, ws *websocket.Conn) {
		c := &conn{
			f: f, ws: ws, rec: rec, fault: fault.FromRequest(r), format: format,
			headerKey:  key != "",
			inactivity: inactivity,
			auto:       q.Get("auto_mode") == "true",
			model:      q.Get("model_id"),
			jobs:       make(chan job, 256),
		}
		c.run(ctx)
	})
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// invalidQuery answers like the service's request validation (422).
func invalidQuery(w http.ResponseWriter, param, msg string) {
	b, _ := json.Marshal(map[string]any{"detail": []map[string]any{{
		"loc": []string{"query", param}, "msg": msg, "type": "value_error",
	}}})
	writeJSON(w, http.StatusUnprocessableEntity, string(b))
}

// conn is one stream-input socket: the handler goroutine reads client
// messages and queues generations; a generator goroutine streams them.
type conn struct {
	f          *Fake
	ws         *websocket.Conn
	rec        *Socket
	fault      fault.Fault
	format     voice.Format
	headerKey  bool
	inactivity time.Duration
	auto       bool
	model      string

	wmu  sync.Mutex // one writer at a time
	jobs chan job
	busy atomic.Int32 // generations queued or streaming

	imu     sync.Mutex // guards the inactivity timer
	idle    clock.Timer
	idleOff bool
	sent    int // server messages sent (counted for faults)

	text     string // text received and not yet generated
	schedule []int
}

// job is one generation: text to speak, and whether it ends the socket.
type job struct {
	text  string
	at    time.Time
	final bool
}

type clientMessage struct {
	Text                 *string        `json:"text"`
	Flush                bool           `json:"flush"`
	TryTriggerGeneration bool           `json:"try_trigger_generation"`
	VoiceSettings        map[string]any `json:"voice_settings"`
	GenerationConfig     map[string]any `json:"generation_config"`
	XIAPIKey             string         `json:"xi_api_key"`
}

func (c *conn) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.generate(ctx)
	}()
	c.read()
	cancel()
	c.ws.Close()
	<-done
}

func (c *conn) read() {
	clk := c.f.opts.Clock
	c.armIdle()
	defer c.stopIdle()
	ended := false
	for first := true; ; first = false {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.armIdle()
		var m clientMessage
		if json.Unmarshal(data, &m) != nil || m.Text == nil {
			c.fail("invalid_message", "Invalid message: expected a JSON object with a text field")
			return
		}
		c.f.mu.Lock()
		c.rec.Messages = append(c.rec.Messages, Message{
			Text: m.Text, Flush: m.Flush, VoiceSettings: m.VoiceSettings,
			GenerationConfig: m.GenerationConfig, Raw: string(data),
		})
		c.f.mu.Unlock()
		switch {
		case ended:
		case first:
			if !c.begin(m) {
				return
			}
		case *m.Text == "":
			ended = true
			c.stopIdle() // the service closes the socket once done
			c.queue(job{text: c.text, at: clk.Now(), final: true})
			c.text = ""
		default:
			c.add(*m.Text, m.Flush || m.TryTriggerGeneration)
		}
	}
}

// begin checks the BOS message: a single space, the key if the handshake
// had none, a known model.
func (c *conn) begin(m clientMessage) bool {
	switch {
	case *m.Text != " ":
		c.fail("invalid_message", "The first message must be a single space")
	case !c.headerKey && !c.f.keyOK(m.XIAPIKey):
		c.fail("invalid_api_key", "Invalid API key")
	case !slices.Contains(c.f.opts.Models, c.model):
		c.fail("model_not_found", "A model with model ID "+c.model+" does not exist")
	default:
		c.schedule = defaultSchedule
		if s, ok := m.GenerationConfig["chunk_length_schedule"].([]any); ok && len(s) > 0 {
			c.schedule = nil
			for _, v := range s {
				n, _ := v.(float64)
				c.schedule = append(c.schedule, int(n))
			}
		}
		return true
	}
	return false
}

// add buffers text and queues a generation when a flush, the chunk
// schedule or, in auto mode, a sentence end calls for one.
func (c *conn) add(text string, flush bool) {
	c.text += text
	now := c.f.opts.Clock.Now()
	switch t := strings.TrimSpace(c.text); {
	case flush:
	case c.auto && t != "" && strings.ContainsAny(t[len(t)-1:], ".?!"):
	case !c.auto && len(c.text) >= c.schedule[0]:
		i := strings.LastIndexAny(c.text, " \n")
		if i <= 0 {
			return
		}
		if len(c.schedule) > 1 {
			c.schedule = c.schedule[1:]
		}
		c.queue(job{text: c.text[:i], at: now})
		c.text = c.text[i:]
		return
	default:
		return
	}
	c.queue(job{text: c.text, at: now})
	c.text = ""
}

// armIdle (re)starts the inactivity timer, unless the socket is ending.
func (c *conn) armIdle() {
	c.imu.Lock()
	defer c.imu.Unlock()
	if c.idle != nil {
		c.idle.Stop()
	}
	if !c.idleOff {
		c.idle = c.f.opts.Clock.AfterFunc(c.inactivity, c.timeout)
	}
}

// stopIdle stops the inactivity timer for good.
func (c *conn) stopIdle() {
	c.imu.Lock()
	defer c.imu.Unlock()
	c.idleOff = true
	if c.idle != nil {
		c.idle.Stop()
	}
}

// timeout closes a socket idle for inactivity_timeout like the service:
// not while it has generations to finish.
func (c *conn) timeout() {
	if c.busy.Load() > 0 {
		c.armIdle()
		return
	}
	c.fail("input_timeout_exceeded", "No text received for "+c.inactivity.String())
}

// queue hands a generation to the generator.
func (c *conn) queue(j job) {
	c.busy.Add(1)
	c.jobs <- j
}

// fail sends the service's error message and closes with policy violation.
func (c *conn) fail(code, msg string) {
	b, _ := json.Marshal(map[string]any{"message": msg, "error": code, "code": websocket.ClosePolicyViolation})
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, b)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.ClosePolicyViolation, code), time.Now().Add(time.Second))
	c.ws.Close()
}

type alignmentJSON struct {
	Chars       []string `json:"chars"`
	StartsMs    []int    `json:"charStartTimesMs"`
	DurationsMs []int    `json:"charDurationsMs"`
}

type audioMessage struct {
	Audio               string         `json:"audio"`
	IsFinal             *bool          `json:"isFinal"`
	NormalizedAlignment *alignmentJSON `json:"normalizedAlignment"`
	Alignment           *alignmentJSON `json:"alignment"`
}

// generate streams the queued generations in order, paced by FirstByte and
// Speed, applying the connection's drop or stall fault.
func (c *conn) generate(ctx context.Context) {
	gens := 0
	for {
		var j job
		select {
		case j = <-c.jobs:
		case <-ctx.Done():
			return
		}
		if !c.stream(ctx, j, gens > 0) {
			return
		}
		if fakespeech.Words(j.text) != nil {
			gens++
		}
		c.busy.Add(-1)
		if j.final {
			final := true
			if c.send(ctx, audioMessage{IsFinal: &final}) {
				c.wmu.Lock()
				_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				c.wmu.Unlock()
				c.ws.Close()
			}
			return
		}
	}
}

// stream sends one generation's audio; it reports false when the stream is
// over (cancelled, dropped or stalled).
func (c *conn) stream(ctx context.Context, j job, lead bool) bool {
	o := c.f.opts
	if !sleepUntil(ctx, o.Clock, j.at.Add(o.FirstByte)) {
		return false
	}
	words := fakespeech.Words(j.text)
	if len(words) == 0 {
		return true
	}
	audio, chars := synth(words, c.format, lead)
	t0 := o.Clock.Now()
	step := c.format.Bytes(o.Chunk)
	for k := 0; k*step < len(audio); k++ {
		from := time.Duration(k) * o.Chunk
		if o.Speed > 0 && !sleepUntil(ctx, o.Clock, t0.Add(time.Duration(float64(from)/o.Speed))) {
			return false
		}
		m := audioMessage{Audio: base64.StdEncoding.EncodeToString(audio[k*step : min((k+1)*step, len(audio))])}
		m.Alignment = chunkAlignment(chars, from, from+o.Chunk)
		m.NormalizedAlignment = m.Alignment
		if !c.send(ctx, m) {
			return false
		}
	}
	return true
}

// chunkAlignment is the timing of the characters starting in [from, to),
// relative to from, or nil if there are none.
func chunkAlignment(chars []char, from, to time.Duration) *alignmentJSON {
	var a alignmentJSON
	for _, ch := range chars {
		if ch.start >= from && ch.start < to {
			a.Chars = append(a.Chars, ch.c)
			a.StartsMs = append(a.StartsMs, int((ch.start-from)/time.Millisecond))
			a.DurationsMs = append(a.DurationsMs, int(ch.dur/time.Millisecond))
		}
	}
	if len(a.Chars) == 0 {
		return nil
	}
	return &a
}

// send writes one server message unless the connection's fault says to cut
// (Drop) or go silent (Stall) after fault.After messages.
func (c *conn) send(ctx context.Context, m audioMessage) bool {
	if (c.fault.Kind == fault.Drop || c.fault.Kind == fault.Stall) && c.sent >= c.fault.After {
		if c.fault.Kind == fault.Drop {
			c.ws.NetConn().Close()
		} else {
			<-ctx.Done()
		}
		return false
	}
	b, _ := json.Marshal(m)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.sent++
	return c.ws.WriteMessage(websocket.TextMessage, b) == nil
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
