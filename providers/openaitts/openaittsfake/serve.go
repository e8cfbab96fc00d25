package openaittsfake

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/recent"
)

// gap is the silence between words, fakespeech's default.
const gap = 80 * time.Millisecond

type wireRequest struct {
	Model          string          `json:"model"`
	Input          *string         `json:"input"`
	Voice          json.RawMessage `json:"voice"`
	ResponseFormat string          `json:"response_format"`
	Speed          *float64        `json:"speed"`
	Instructions   string          `json:"instructions"`
	StreamFormat   string          `json:"stream_format"`
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if !isSpeechPath(r.URL.Path) {
		writeError(w, http.StatusNotFound, "Invalid URL ("+r.Method+" "+r.URL.Path+")", "invalid_request_error", "")
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed", "invalid_request_error", "")
		return
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !f.keyOK(key) {
		writeError(w, http.StatusUnauthorized, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var m wireRequest
	if err != nil || json.Unmarshal(body, &m) != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.", "invalid_request_error", "")
		return
	}
	voiceName := voiceOf(m.Voice)
	rec := Request{Model: m.Model, Input: ptr.Value(m.Input), Voice: voiceName, ResponseFormat: m.ResponseFormat, Instructions: m.Instructions, Raw: string(body)}
	if m.Speed != nil {
		rec.Speed = *m.Speed
	}
	f.mu.Lock()
	f.requests = recent.Append(f.opts.Records, f.requests, rec)
	f.mu.Unlock()
	if status, msg, code := validate(m, voiceName); status != 0 {
		writeError(w, status, msg, "invalid_request_error", code)
		return
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		writeError(w, http.StatusServiceUnavailable, "The server is shutting down.", "server_error", "")
		return
	}
	f.wg.Add(1)
	f.active++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.active--
		f.mu.Unlock()
		f.wg.Done()
	}()
	f.stream(w, r, fakespeech.Words(*m.Input), fault.FromRequest(r))
}

// voiceOf reads a voice given as a name or as {"id": …}.
func voiceOf(raw json.RawMessage) string {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return name
	}
	var v struct{ ID string }
	_ = json.Unmarshal(raw, &v)
	return v.ID
}

// validate checks a request like the service: its status, message and
// code, or 0.
func validate(m wireRequest, voice string) (int, string, string) {
	format := m.ResponseFormat
	if format == "" {
		format = "mp3"
	}
	switch {
	case m.Model != "tts-1" && m.Model != "tts-1-hd" && !strings.HasPrefix(m.Model, "gpt-4o-mini-tts"):
		return http.StatusNotFound, "The model `" + m.Model + "` does not exist or you do not have access to it.", "model_not_found"
	case m.Input == nil || strings.TrimSpace(*m.Input) == "":
		return http.StatusBadRequest, "Missing required parameter: 'input'.", "missing_required_parameter"
	case len([]rune(*m.Input)) > 4096:
		return http.StatusBadRequest, "Invalid 'input': string too long. Expected a string with maximum length 4096.", "string_above_max_length"
	case !slices.Contains(Voices, voice) && !strings.HasPrefix(voice, "voice_"):
		return http.StatusBadRequest, "Invalid value for 'voice': " + voice + ".", "invalid_value"
	case format != "pcm":
		return http.StatusBadRequest, "response_format " + format + " is not produced by this fake; use pcm.", "invalid_value"
	case m.StreamFormat != "" && m.StreamFormat != "audio":
		return http.StatusBadRequest, "stream_format " + m.StreamFormat + " is not produced by this fake.", "invalid_value"
	case m.Speed != nil && (*m.Speed < 0.25 || *m.Speed > 4):
		return http.StatusBadRequest, "Invalid 'speed': must be between 0.25 and 4.0.", "invalid_value"
	}
	return 0, "", ""
}

func apiError(msg, typ, code string) []byte {
	e := map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}
	if code != "" {
		e["code"] = code
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}

func writeError(w http.ResponseWriter, status int, msg, typ, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(apiError(msg, typ, code))
}

// stream writes the words' audio, paced by FirstByte and Speed, flushing
// each chunk, and applies the request's drop or stall fault after
// fault.After chunks.
func (f *Fake) stream(w http.ResponseWriter, r *http.Request, words []string, flt fault.Fault) {
	o := f.opts
	ctx := r.Context()
	if !sleepUntil(ctx, o.Clock, o.Clock.Now().Add(o.FirstByte)) {
		return
	}
	audio := synth(words)
	w.Header().Set("Content-Type", "audio/pcm")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	step := int(int64(Rate)*int64(o.Chunk)/int64(time.Second)) * 2
	t0 := o.Clock.Now()
	for k := 0; k*step < len(audio); k++ {
		if (flt.Kind == fault.Drop || flt.Kind == fault.Stall) && k >= flt.After {
			if flt.Kind == fault.Drop {
				panic(http.ErrAbortHandler) // the server cuts the connection
			}
			<-ctx.Done()
			return
		}
		if o.Speed > 0 && !sleepUntil(ctx, o.Clock, t0.Add(time.Duration(float64(time.Duration(k)*o.Chunk)/o.Speed))) {
			return
		}
		if _, err := w.Write(audio[k*step : min((k+1)*step, len(audio))]); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
}

// synth renders words as 24 kHz 16-bit PCM: a tone per word, at a pitch
// derived from the word, with fakespeech's word durations and gaps.
func synth(words []string) []byte {
	var pcm []int16
	for i, w := range words {
		if i > 0 {
			pcm = append(pcm, make([]int16, int(int64(Rate)*int64(gap)/int64(time.Second)))...)
		}
		pcm = appendTone(pcm, w, Rate, fakespeech.WordDuration(w))
	}
	return codecs.EncodePCM16LE(nil, pcm)
}

// appendTone renders d of word: a sine at a pitch derived from the word,
// with 5 ms fades, at about -12 dBFS.
func appendTone(pcm []int16, word string, rate int, d time.Duration) []int16 {
	h := fnv.New32a()
	h.Write([]byte(word))
	freq := 200 + float64(h.Sum32()%16)*50
	n := int(int64(rate) * int64(d) / int64(time.Second))
	fade := rate / 200
	for i := range n {
		a := 8000.0
		if k := min(i, n-1-i); k < fade {
			a *= float64(k) / float64(fade)
		}
		pcm = append(pcm, int16(a*math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
	}
	return pcm
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
