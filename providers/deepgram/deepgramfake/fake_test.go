package deepgramfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/clock"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/providers/fault"
	"github.com/switchboard-voice/switchboard/providers/internal/faketest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const key = "test-key"

// start runs a fake for one test.
func start(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Key == "" {
		cfg.Key = key
	}
	return faketest.StartAt(t, Start, cfg, "")
}

// dial opens a raw websocket to the fake under a path prefix.
func dial(t *testing.T, base, path string, q url.Values) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(wsURL(base, path, q), http.Header{"Authorization": {"Token " + key}})
	if err != nil {
		body := ""
		if resp != nil {
			b, _ := io.ReadAll(resp.Body)
			body = string(b)
		}
		t.Fatalf("dial: %v %s", err, body)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wsURL(base, path string, q url.Values) string {
	return "ws" + strings.TrimPrefix(base, "http") + "/deepgram" + path + "?" + q.Encode()
}

func v1Query(extra ...string) url.Values {
	q := url.Values{"encoding": {"mulaw"}, "sample_rate": {"8000"}, "model": {"nova-2"}, "vad_events": {"true"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

// msg is a server message, loosely typed.
type msg map[string]any

func (m msg) str(k string) string { s, _ := m[k].(string); return s }
func (m msg) num(k string) float64 {
	f, _ := m[k].(float64)
	return f
}
func (m msg) flag(k string) bool { b, _ := m[k].(bool); return b }

// transcript is a Results' first alternative's transcript.
func (m msg) transcript() string {
	ch, _ := m["channel"].(map[string]any)
	alts, _ := ch["alternatives"].([]any)
	if len(alts) == 0 {
		return ""
	}
	a, _ := alts[0].(map[string]any)
	s, _ := a["transcript"].(string)
	return s
}

// readAll reads messages until the server closes; it returns them and the
// close error.
func readAll(t *testing.T, c *websocket.Conn) ([]msg, error) {
	t.Helper()
	var out []msg
	for {
		typ, b, err := c.ReadMessage()
		if err != nil {
			return out, err
		}
		if typ != websocket.TextMessage {
			t.Fatalf("binary message from the fake")
		}
		var m msg
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("bad JSON %q: %v", b, err)
		}
		out = append(out, m)
	}
}

func sendFrames(t *testing.T, c *websocket.Conn, frames [][]byte) {
	t.Helper()
	for _, f := range frames {
		if err := c.WriteMessage(websocket.BinaryMessage, f); err != nil {
			t.Fatal(err)
		}
	}
}

func sendText(t *testing.T, c *websocket.Conn, s string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

func say(words string) [][]byte {
	return fakespeech.Speak(fakespeech.Utterance{Words: fakespeech.Words(words)})
}

func concat(parts ...[][]byte) [][]byte {
	var out [][]byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func types(ms []msg) []string {
	var out []string
	for _, m := range ms {
		s := m.str("type")
		if e := m.str("event"); e != "" {
			s += ":" + e
		}
		if m.str("type") == "Results" {
			switch {
			case m.flag("speech_final"):
				s += ":speech_final"
			case m.flag("is_final"):
				s += ":final"
			default:
				s += ":interim"
			}
		}
		out = append(out, s)
	}
	return out
}

func TestV1Utterance(t *testing.T) {
	_, base := start(t, Config{})
	c := dial(t, base, "/v1/listen", v1Query("interim_results", "true", "endpointing", "300",
		"utterance_end_ms", "1000", "punctuate", "true"))
	sendFrames(t, c, concat(fakespeech.Silence(100*time.Millisecond), say("hello there"), fakespeech.Silence(1500*time.Millisecond)))
	sendText(t, c, `{"type":"CloseStream"}`)
	ms, err := readAll(t, c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("close: %v", err)
	}
	got := strings.Join(types(ms), " ")
	// interims every 250 ms while "hello" (360 ms) and "there" (360 ms) are
	// spoken, and at each word's end; the endpoint after 300 ms;
	// UtteranceEnd after 1000 ms; the empty rest on CloseStream; Metadata
	want := "SpeechStarted Results:interim Results:interim Results:interim Results:interim " +
		"Results:speech_final UtteranceEnd Results:final Metadata"
	if got != want {
		t.Fatalf("messages\n got %s\nwant %s", got, want)
	}
	if ts := ms[0].num("timestamp"); ts != 0.1 {
		t.Errorf("SpeechStarted at %v, want 0.1", ts)
	}
	final := ms[5]
	if tr := final.transcript(); tr != "Hello there." {
		t.Errorf("final transcript %q", tr)
	}
	// the final spans from the stream's start to the endpoint: 0.1 s of
	// silence, 0.36 + 0.08 + 0.36 s of words, 0.3 s of silence
	if s, d := final.num("start"), final.num("duration"); s != 0 || d != 1.2 {
		t.Errorf("final window %v+%v", s, d)
	}
	words := final["channel"].(map[string]any)["alternatives"].([]any)[0].(map[string]any)["words"].([]any)
	w1 := words[1].(map[string]any)
	if w1["word"] != "there" || w1["punctuated_word"] != "there." || w1["start"] != 0.54 || w1["end"] != 0.9 || w1["confidence"] != 0.99 {
		t.Errorf("second word %v", w1)
	}
	if lwe := ms[6].num("last_word_end"); lwe != 0.9 {
		t.Errorf("last_word_end %v", lwe)
	}
	if md := ms[len(ms)-1]; md.num("duration") != 2.4 || md.str("transaction_key") != "deprecated" || len(md.str("sha256")) != 64 {
		t.Errorf("metadata %v", md)
	}
}

func TestV1FinalizeAndNoInterims(t *testing.T) {
	srv, base := start(t, Config{})
	c := dial(t, base, "/v1/listen", v1Query("endpointing", "false"))
	sendFrames(t, c, say("one two"))
	sendText(t, c, `{"type":"KeepAlive"}`)
	sendText(t, c, `{"type":"Finalize"}`)
	sendText(t, c, `{"type":"CloseStream"}`)
	ms, _ := readAll(t, c)
	if got := strings.Join(types(ms), " "); got != "SpeechStarted Results:final Metadata" {
		t.Fatalf("messages %s", got)
	}
	if !ms[1].flag("from_finalize") || ms[1].transcript() != "one two" {
		t.Fatalf("finalize result %v", ms[1])
	}
	s := srv.Sessions()[0]
	if s.KeepAlives != 1 || s.Finalizes != 1 || s.CloseStreams != 1 || s.Audio != 520*time.Millisecond {
		t.Fatalf("session %+v", s)
	}
}

func TestV1NoiseAndEmptyFinals(t *testing.T) {
	_, base := start(t, Config{MaxSegment: time.Second})
	c := dial(t, base, "/v1/listen", v1Query())
	sendFrames(t, c, concat(fakespeech.Noise(200*time.Millisecond), fakespeech.Silence(2*time.Second)))
	sendText(t, c, `{"type":"CloseStream"}`)
	ms, _ := readAll(t, c)
	// noise: a speech start, no words; silence is finalized every second
	if got := strings.Join(types(ms), " "); got != "SpeechStarted Results:final Results:final Results:final Metadata" {
		t.Fatalf("messages %s", got)
	}
	for _, m := range ms[1:4] {
		if m.transcript() != "" {
			t.Fatalf("noise heard as %q", m.transcript())
		}
	}

	_, base = start(t, Config{NoiseWord: "um"})
	c = dial(t, base, "/v1/listen", v1Query("endpointing", "300"))
	sendFrames(t, c, concat(fakespeech.Noise(200*time.Millisecond), fakespeech.Silence(400*time.Millisecond)))
	sendText(t, c, `{"type":"CloseStream"}`)
	ms, _ = readAll(t, c)
	if ms[1].transcript() != "um" || !ms[1].flag("speech_final") {
		t.Fatalf("filler %v", ms[1])
	}
}

func TestNET0001(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	srv, base := start(t, Config{Clock: clk})
	for _, path := range []string{"/v1/listen", "/v2/listen"} {
		q := v1Query()
		if path == "/v2/listen" {
			q.Set("model", "flux-general-en")
		}
		c := dial(t, base, path, q)
		testkit.Eventually(t, 5*time.Second, func() error {
			if clk.Pending() == 0 {
				return errors.New("no idle timer")
			}
			return nil
		})
		sendText(t, c, `{"type":"KeepAlive"}`)
		testkit.Eventually(t, 5*time.Second, func() error {
			if n := srv.Sessions()[len(srv.Sessions())-1].KeepAlives; n != 1 {
				return errors.New("KeepAlive not seen")
			}
			return nil
		})
		clk.Advance(9 * time.Second) // re-armed by the KeepAlive: still open
		clk.Advance(time.Second)
		_, err := readAll(t, c)
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 1011 || !strings.Contains(ce.Text, "net0001") {
			t.Fatalf("%s: idle close %v", path, err)
		}
	}
}

func TestAuthAndParams(t *testing.T) {
	_, base := start(t, Config{})
	refused := func(path string, q url.Values, auth string) (int, errorBody, http.Header) {
		t.Helper()
		_, resp, err := websocket.DefaultDialer.Dial(wsURL(base, path, q), http.Header{"Authorization": {auth}})
		if err == nil || resp == nil {
			t.Fatalf("%s %v accepted", path, q)
		}
		var e errorBody
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e, resp.Header
	}
	for _, auth := range []string{"", "Token wrong", "Basic " + key, "Token"} {
		code, e, h := refused("/v1/listen", v1Query(), auth)
		if code != 401 || e.ErrCode != "INVALID_AUTH" || h.Get("dg-error") == "" || h.Get("dg-request-id") == "" {
			t.Errorf("auth %q: %d %+v", auth, code, e)
		}
	}
	bad := []struct {
		path string
		q    url.Values
	}{
		{"/v1/listen", v1Query("encoding", "wav")},
		{"/v1/listen", v1Query("encoding", "opus")},
		{"/v1/listen", v1Query("sample_rate", "")},
		{"/v1/listen", v1Query("punctuate", "yes")},
		{"/v1/listen", v1Query("endpointing", "-5")},
		{"/v1/listen", v1Query("utterance_end_ms", "1000")},                           // without interim_results
		{"/v1/listen", v1Query("interim_results", "true", "utterance_end_ms", "500")}, // below 1000
		{"/v1/listen", v1Query("model", "nova-3", "keywords", "acme:2")},              // nova-3 takes keyterm
		{"/v1/listen", v1Query("model", "nova-2", "keyterm", "acme")},                 // nova-2 takes keywords
		{"/v1/listen", v1Query("model", "nova-2", "keywords", "acme:x")},              // bad intensifier
		{"/v1/listen", v1Query("model", "flux-general-en")},                           // Flux is v2
		{"/v2/listen", v1Query("model", "nova-3")},                                    // v2 is Flux
		{"/v2/listen", v1Query("model", "flux-general-en", "eot_threshold", "0.2")},   // out of range
		{"/v2/listen", v1Query("model", "flux-general-en", "eager_eot_threshold", "0.95")},
		{"/v2/listen", v1Query("model", "flux-general-en", "eot_threshold", "0.6", "eager_eot_threshold", "0.8")},
		{"/v2/listen", v1Query("model", "flux-general-en", "eot_timeout_ms", "100")},
		{"/v2/listen", v1Query("model", "flux-general-en", "language_hint", "de")}, // multi only
		{"/v2/listen", v1Query("model", "flux-general-en", "keyterm", "acme:0.5")}, // no intensifiers
	}
	for _, b := range bad {
		code, e, _ := refused(b.path, b.q, "Token "+key)
		if code != 400 || e.ErrMsg == "" || e.RequestID == "" {
			t.Errorf("%s %v: %d %+v", b.path, b.q, code, e)
		}
	}
	// any prefix, and Bearer tokens
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/a/b/v1/listen?"+v1Query().Encode(),
		http.Header{"Authorization": {"Bearer " + key}})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestFaults(t *testing.T) {
	var inj fault.Injector
	srv, base := start(t, Config{Faults: &inj})
	for _, k := range []fault.Kind{fault.Unauthorized, fault.RateLimited, fault.ServerError, fault.Unavailable} {
		inj.Next(fault.Fault{Kind: k}, 1)
		_, resp, err := websocket.DefaultDialer.Dial(wsURL(base, "/v1/listen", v1Query()), http.Header{"Authorization": {"Token " + key}})
		if err == nil || resp == nil || resp.StatusCode != k.Status() {
			t.Fatalf("%v: %v %v", k, resp, err)
		}
		var e errorBody
		if json.NewDecoder(resp.Body).Decode(&e) != nil || e.ErrCode == "" {
			t.Errorf("%v: body %+v", k, e)
		}
	}
	inj.Next(fault.Fault{Kind: fault.Refuse}, 1)
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL(base, "/v1/listen", v1Query()), nil); err == nil || resp != nil {
		t.Fatalf("refuse: %v %v", resp, err)
	}

	// drop after two messages: the third is never sent, the socket is cut
	inj.Next(fault.Fault{Kind: fault.Drop, After: 2}, 1)
	c := dial(t, base, "/v1/listen", v1Query("interim_results", "true"))
	sendFrames(t, c, [][]byte{bytes.Join(say("alpha beta gamma"), nil)})
	ms, err := readAll(t, c)
	if len(ms) != 2 || websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("drop: %d messages, %v", len(ms), err)
	}

	// stall after one: nothing more, the connection stays open
	inj.Next(fault.Fault{Kind: fault.Stall, After: 1}, 1)
	c = dial(t, base, "/v1/listen", v1Query("interim_results", "true"))
	sendFrames(t, c, say("alpha beta gamma"))
	sendText(t, c, `{"type":"CloseStream"}`)
	testkit.Eventually(t, 5*time.Second, func() error {
		if s := srv.Sessions(); s[len(s)-1].CloseStreams != 1 {
			return errors.New("CloseStream not processed")
		}
		return nil
	})
	if err := c.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	ms, err = readAll(t, c)
	var ne interface{ Timeout() bool }
	if len(ms) != 1 || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("stall: %d messages, %v", len(ms), err)
	}
}

func TestDelay(t *testing.T) {
	clk := clock.NewVirtual(time.Unix(0, 0))
	_, base := start(t, Config{Clock: clk, Delay: 300 * time.Millisecond})
	c := dial(t, base, "/v1/listen", v1Query())
	sendFrames(t, c, say("hi"))
	got := make(chan msg, 1)
	go func() {
		_, b, err := c.ReadMessage()
		var m msg
		if err == nil && json.Unmarshal(b, &m) == nil {
			got <- m
		}
		close(got)
	}()
	// the SpeechStarted waits for the clock: 299 ms is not enough
	testkit.Eventually(t, 5*time.Second, func() error {
		if clk.Pending() < 2 { // the idle timer and the delivery
			return errors.New("delivery not scheduled")
		}
		return nil
	})
	clk.Advance(299 * time.Millisecond)
	select {
	case m := <-got:
		t.Fatalf("delivered early: %v", m)
	default:
	}
	clk.Advance(time.Millisecond)
	if m := <-got; m.str("type") != "SpeechStarted" {
		t.Fatalf("got %v", m)
	}
}

func fluxQuery(extra ...string) url.Values {
	q := url.Values{"encoding": {"mulaw"}, "sample_rate": {"8000"}, "model": {"flux-general-en"},
		"eot_threshold": {"0.7"}, "eager_eot_threshold": {"0.5"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func TestFluxTurns(t *testing.T) {
	_, base := start(t, Config{})
	c := dial(t, base, "/v2/listen", fluxQuery())
	// "hello" then 300 ms: past the eager point (250 ms), short of the end
	// of turn (350 ms), so the next word resumes the turn; then silence
	// ends it; a second turn is forced to end
	audio := concat(say("hello"), fakespeech.Silence(300*time.Millisecond), say("world"), fakespeech.Silence(400*time.Millisecond),
		say("again"))
	sendFrames(t, c, audio)
	sendText(t, c, `{"type":"ForceEndTurn"}`)
	sendText(t, c, `{"type":"CloseStream"}`)
	ms, err := readAll(t, c)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseNoStatusReceived {
		t.Fatalf("close %v", err)
	}
	var events []string
	for i, m := range ms {
		if int(m.num("sequence_id")) != i {
			t.Fatalf("message %d has sequence_id %v", i, m["sequence_id"])
		}
		if e := m.str("event"); e != "" && e != "Update" {
			events = append(events, e+"("+m.str("transcript")+")")
		}
	}
	want := "StartOfTurn(hello) EagerEndOfTurn(hello) TurnResumed(hello world) EagerEndOfTurn(hello world) " +
		"EndOfTurn(hello world) StartOfTurn(again) EndOfTurn(again)"
	if got := strings.Join(events, " "); got != want {
		t.Fatalf("events\n got %s\nwant %s", got, want)
	}
	if ms[0].str("type") != "Connected" {
		t.Fatalf("first %v", ms[0])
	}
	var eots []msg
	for _, m := range ms {
		if m.str("event") == "EndOfTurn" {
			eots = append(eots, m)
		}
	}
	if eots[0].str("trigger") != "model" || eots[0].num("turn_index") != 0 || eots[0].num("audio_window_end") != 1.38 {
		t.Errorf("first EndOfTurn %v", eots[0])
	}
	if eots[1].str("trigger") != "manual" || eots[1].num("turn_index") != 1 || eots[1].num("audio_window_start") != 1.38 {
		t.Errorf("forced EndOfTurn %v", eots[1])
	}
	if last := ms[len(ms)-1]; last.str("event") != "Update" {
		t.Errorf("CloseStream should end with an Update, got %v", last)
	}
}

func TestFluxTimeoutAndConfigure(t *testing.T) {
	_, base := start(t, Config{FluxEOTSilence: time.Minute})
	c := dial(t, base, "/v2/listen", fluxQuery("eot_timeout_ms", "600", "eager_eot_threshold", ""))
	sendText(t, c, `{"type":"Configure","thresholds":{"eot_threshold":"0.8"},"keyterms":"acme"}`)
	sendText(t, c, `{"type":"Configure","thresholds":{"eot_threshold":0.1}}`)
	sendText(t, c, `{"type":"Configure","language_hints":["de"]}`)
	sendFrames(t, c, concat(say("hi"), fakespeech.Silence(700*time.Millisecond)))
	sendText(t, c, `{"type":"CloseStream"}`)
	ms, _ := readAll(t, c)
	var got []string
	for _, m := range ms {
		switch m.str("type") {
		case "ConfigureSuccess":
			th := m["thresholds"].(map[string]any)
			if th["eot_threshold"] != 0.8 || th["eot_timeout_ms"] != 600.0 || m["keyterms"].([]any)[0] != "acme" {
				t.Errorf("configure success %v", m)
			}
		case "TurnInfo":
			if m.str("event") == "Update" {
				continue
			}
			if m.str("event") == "EndOfTurn" && m.str("trigger") != "timeout" {
				t.Errorf("end of turn %v", m)
			}
		}
		got = append(got, m.str("type")+m.str("event"))
	}
	want := "Connected ConfigureSuccess ConfigureFailure ConfigureFailure TurnInfoStartOfTurn TurnInfoEndOfTurn"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %v", got)
	}
}

func TestBadControl(t *testing.T) {
	_, base := start(t, Config{})
	c := dial(t, base, "/v1/listen", v1Query())
	sendText(t, c, `{"type":"Nope"}`)
	if _, err := readAll(t, c); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Fatalf("v1: %v", err)
	}
	c = dial(t, base, "/v2/listen", fluxQuery())
	sendText(t, c, `not json`)
	ms, err := readAll(t, c)
	if last := ms[len(ms)-1]; last.str("type") != "Error" || last.str("code") == "" || err == nil {
		t.Fatalf("flux: %v %v", ms, err)
	}
}

func TestLinear16AndALaw(t *testing.T) {
	_, base := start(t, Config{})
	for _, enc := range []string{"linear16", "alaw"} {
		c := dial(t, base, "/v1/listen", v1Query("encoding", enc, "sample_rate", "16000", "endpointing", "200"))
		size, silent := 320, []byte{0xD5}
		if enc == "linear16" {
			size, silent = 640, []byte{0, 0}
		}
		var frames [][]byte
		for _, f := range say("yes") {
			g := make([]byte, size)
			for i := range g {
				g[i] = silent[i%len(silent)]
			}
			if !fakespeech.IsSilence(f) {
				copy(g, f) // the marker and payload; the rest is padding
			}
			frames = append(frames, g)
		}
		for range 12 {
			frames = append(frames, bytesOf(size, silent))
		}
		sendFrames(t, c, frames)
		sendText(t, c, `{"type":"CloseStream"}`)
		ms, _ := readAll(t, c)
		if len(ms) < 2 || ms[1].transcript() != "yes" || !ms[1].flag("speech_final") || ms[1].num("duration") != 0.42 {
			t.Fatalf("%s: %v", enc, ms)
		}
	}
}

func bytesOf(n int, pattern []byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = pattern[i%len(pattern)]
	}
	return b
}

func FuzzParseControl(f *testing.F) {
	for _, s := range []string{`{"type":"KeepAlive"}`, `{"type":"Finalize","channel":0}`, `{"type":"CloseStream"}`,
		`{"type":"Configure","thresholds":{"eot_threshold":0.8,"eager_eot_threshold":"0.5","eot_timeout_ms":3000},"keyterms":["a","b"],"language_hints":["en"]}`,
		`{"type":"Configure","keyterms":"one"}`, `null`, `[]`, `{"type":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseControl(b)
		if err == nil && c.Type == "" {
			t.Fatal("accepted a message without a type")
		}
		if err != nil && !json.Valid(b) {
			return
		}
		if err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
	})
}
