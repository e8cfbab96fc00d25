package cartesiafake

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
	"github.com/switchboard-voice/switchboard/voice"
)

var versionPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// rates are the sample rates of raw output.
var rates = map[int]bool{8000: true, 16000: true, 22050: true, 24000: true, 44100: true, 48000: true}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if !isTTSPath(r.URL.Path) {
		writeJSON(w, http.StatusNotFound, apiError(404, "not_found", "Not Found", "Not found"))
		return
	}
	// the key and version may come as headers or, for browsers, in the
	// query (which wins on websockets)
	q := r.URL.Query()
	key := first(q.Get("api_key"), q.Get("access_token"), r.Header.Get("X-API-Key"), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if !f.keyOK(key) {
		writeJSON(w, http.StatusUnauthorized, apiError(401, "invalid_api_key", "Unauthorized", "Invalid API key"))
		return
	}
	version := first(q.Get("cartesia_version"), r.Header.Get("Cartesia-Version"))
	if !versionPattern.MatchString(version) {
		writeJSON(w, http.StatusBadRequest, apiError(400, "invalid_version", "Bad Request", "A Cartesia-Version (YYYY-MM-DD) is required"))
		return
	}
	// recorded before the handshake completes, so that sockets are listed
	// in the order clients saw them open
	rec := &Socket{Version: version}
	f.mu.Lock()
	f.sockets = recent.Append(f.opts.Records, f.sockets, rec)
	f.mu.Unlock()
	f.live.Serve(w, r, func() { rec.Closed = true }, func(ctx context.Context, ws *websocket.Conn) {
		c := &conn{f: f, ws: ws, rec: rec, fault: fault.FromRequest(r), jobs: make(chan job, 256), contexts: map[string]*tcontext{}}
		c.run(ctx)
	})
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// conn is one socket: the handler goroutine reads requests and queues
// generations; a generator goroutine streams them in order.
type conn struct {
	f     *Fake
	ws    *websocket.Conn
	rec   *Socket
	fault fault.Fault

	wmu  sync.Mutex // one writer at a time
	sent int        // stream messages sent (counted for faults)
	jobs chan job

	cmu      sync.Mutex // guards contexts (reader and generator)
	contexts map[string]*tcontext
}

// tcontext is a context's state.
type tcontext struct {
	format    voice.Format
	closed    bool          // continue false received
	cancelled bool          // cancel received
	audio     time.Duration // generated so far
	gens      int
}

// job is one request's text to speak in a context, and whether it is the
// context's last.
type job struct {
	id    string
	text  string
	at    time.Time
	final bool
}

type wireRequest struct {
	ContextID  string  `json:"context_id"`
	Cancel     bool    `json:"cancel"`
	ModelID    string  `json:"model_id"`
	Transcript *string `json:"transcript"`
	Continue   bool    `json:"continue"`
	Voice      struct {
		Mode string `json:"mode"`
		ID   string `json:"id"`
	} `json:"voice"`
	Language     string `json:"language"`
	OutputFormat struct {
		Container  string `json:"container"`
		Encoding   string `json:"encoding"`
		SampleRate int    `json:"sample_rate"`
	} `json:"output_format"`
	AddTimestamps    bool           `json:"add_timestamps"`
	GenerationConfig map[string]any `json:"generation_config"`
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
	idle := c.idleTimer()
	defer func() { idle.Stop() }()
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		idle.Stop()
		idle = c.idleTimer()
		var m wireRequest
		if json.Unmarshal(data, &m) != nil {
			c.error("", "invalid_request", "Invalid request: not JSON")
			continue
		}
		c.f.mu.Lock()
		c.rec.Requests = append(c.rec.Requests, Request{
			ContextID: m.ContextID, Cancel: m.Cancel, ModelID: m.ModelID, Transcript: ptr.Value(m.Transcript),
			Continue: m.Continue, VoiceMode: m.Voice.Mode, VoiceID: m.Voice.ID, Language: m.Language,
			Container: m.OutputFormat.Container, Encoding: m.OutputFormat.Encoding, SampleRate: m.OutputFormat.SampleRate,
			AddTimestamps: m.AddTimestamps, GenerationConfig: m.GenerationConfig, Raw: string(data),
		})
		c.f.mu.Unlock()
		c.request(m)
	}
}

// request validates a message and queues its generation.
func (c *conn) request(m wireRequest) {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	tc := c.contexts[m.ContextID]
	if m.Cancel {
		if tc != nil {
			tc.cancelled = true
		}
		return
	}
	f, ok := parseFormat(m.OutputFormat.Container, m.OutputFormat.Encoding, m.OutputFormat.SampleRate)
	var problem string
	switch {
	case m.ContextID == "":
		problem = "context_id is required"
	case !strings.HasPrefix(m.ModelID, "sonic"):
		problem = "model_id " + m.ModelID + " is not a Sonic model"
	case m.Voice.Mode != "id" || m.Voice.ID == "":
		problem = "voice must be {\"mode\":\"id\",\"id\":…}"
	case m.Transcript == nil:
		problem = "transcript is required"
	case !ok:
		problem = "output_format is not supported (this fake produces raw pcm_s16le, pcm_mulaw and pcm_alaw)"
	case tc != nil && tc.closed:
		problem = "context " + m.ContextID + " has already received its last input"
	case tc != nil && tc.format != f:
		problem = "output_format changed within a context"
	}
	if problem != "" {
		c.cmu.Unlock()
		c.error(m.ContextID, "invalid_request", problem)
		c.cmu.Lock()
		return
	}
	if tc == nil {
		tc = &tcontext{format: f}
		c.contexts[m.ContextID] = tc
	}
	tc.closed = !m.Continue
	c.jobs <- job{id: m.ContextID, text: *m.Transcript, at: c.f.opts.Clock.Now(), final: !m.Continue}
}

// parseFormat reads an output_format: raw pcm_s16le, pcm_mulaw or
// pcm_alaw at one of the service's rates (pcm_f32le is not produced here).
func parseFormat(container, encoding string, rate int) (voice.Format, bool) {
	enc, ok := map[string]voice.Encoding{"pcm_s16le": voice.PCM16, "pcm_mulaw": voice.ULaw, "pcm_alaw": voice.ALaw}[encoding]
	if container != "raw" || !ok || !rates[rate] {
		return voice.Format{}, false
	}
	return voice.Format{Encoding: enc, SampleRate: rate}, true
}

func (c *conn) idleTimer() clock.Timer {
	if c.f.opts.IdleTimeout <= 0 {
		return noTimer{}
	}
	return c.f.opts.Clock.AfterFunc(c.f.opts.IdleTimeout, func() {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "idle timeout"), time.Now().Add(time.Second))
		c.ws.Close()
	})
}

type noTimer struct{}

func (noTimer) Stop() bool               { return false }
func (noTimer) Reset(time.Duration) bool { return false }

// error sends an error message for a context, outside the stream's fault
// accounting.
func (c *conn) error(id, code, msg string) {
	b, _ := json.Marshal(map[string]any{
		"type": "error", "context_id": id, "status_code": 400, "done": true,
		"title": "Invalid request", "message": msg, "error_code": code,
	})
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, b)
}

// generate streams the queued generations in order, paced by FirstByte and
// Speed, skipping cancelled contexts and applying the connection's drop or
// stall fault.
func (c *conn) generate(ctx context.Context) {
	o := c.f.opts
	for {
		var j job
		select {
		case j = <-c.jobs:
		case <-ctx.Done():
			return
		}
		if c.cancelled(j.id) {
			continue
		}
		if !sleepUntil(ctx, o.Clock, j.at.Add(o.FirstByte)) {
			return
		}
		if words := fakespeech.Words(j.text); len(words) > 0 {
			c.cmu.Lock()
			tc := c.contexts[j.id]
			audio, spans := synth(words, tc.format, tc.gens > 0)
			base := tc.audio
			tc.gens++
			tc.audio += tc.format.Duration(len(audio))
			f := tc.format
			c.cmu.Unlock()
			t0 := o.Clock.Now()
			step := f.Bytes(o.Chunk)
			for k := 0; k*step < len(audio) && !c.cancelled(j.id); k++ {
				from := time.Duration(k) * o.Chunk
				if o.Speed > 0 && !sleepUntil(ctx, o.Clock, t0.Add(time.Duration(float64(from)/o.Speed))) {
					return
				}
				chunk := audio[k*step : min((k+1)*step, len(audio))]
				if !c.send(ctx, map[string]any{
					"type": "chunk", "data": base64.StdEncoding.EncodeToString(chunk), "done": false,
					"status_code": 206, "step_time": 1.5, "context_id": j.id,
				}) {
					return
				}
				// the words whose audio this chunk completes
				end := from + f.Duration(len(chunk))
				var ts timestamps
				for len(spans) > 0 && spans[0].end <= end {
					ts.add(spans[0], base)
					spans = spans[1:]
				}
				if len(ts.Words) > 0 && !c.send(ctx, map[string]any{
					"type": "timestamps", "context_id": j.id, "status_code": 206, "done": false, "word_timestamps": ts,
				}) {
					return
				}
			}
		}
		if j.final && !c.cancelled(j.id) {
			if !c.send(ctx, map[string]any{"type": "done", "done": true, "status_code": 206, "context_id": j.id}) {
				return
			}
		}
	}
}

// timestamps is a word_timestamps object: seconds from the start of the
// context's audio.
type timestamps struct {
	Words []string  `json:"words"`
	Start []float64 `json:"start"`
	End   []float64 `json:"end"`
}

func (t *timestamps) add(s span, base time.Duration) {
	t.Words = append(t.Words, s.word)
	t.Start = append(t.Start, (base + s.start).Seconds())
	t.End = append(t.End, (base + s.end).Seconds())
}

func (c *conn) cancelled(id string) bool {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	return c.contexts[id].cancelled
}

// send writes one stream message unless the connection's fault says to cut
// (Drop) or go silent (Stall) after fault.After messages. It reports false
// when the stream is over.
func (c *conn) send(ctx context.Context, m map[string]any) bool {
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
