package call

import (
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/recording"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// saved collects the recordings calls report.
type saved struct {
	mu     sync.Mutex
	tracks map[string][]recording.Track
}

func (s *saved) RecordingSaved(c *voice.CallInfo, _ assistant.RecordingSettings, _ time.Time, tracks []recording.Track) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tracks[c.ID] = tracks
}

func (s *saved) of(id string) []recording.Track {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tracks[id]
}

func recorded(c *assistant.Config) {
	text, msg := "Hello.", "This call is recorded."
	c.LLMSettings.WelcomeMessage = &text
	rs := &c.RecordingSettings
	rs.Enabled, rs.AutoSave, rs.Format, rs.SampleRate, rs.Channels = true, true, "wav", 8000, 1
	rs.RecordUserAudio, rs.RecordAssistantAudio, rs.RecordMixedAudio = true, true, true
	rs.DisclosureEnabled, rs.DisclosureMessage, rs.DisclosureMode = true, &msg, "first_call_only"
}

// A recorded call says its disclosure first and leaves a track per kind,
// each as long as the call.
func TestCallIsRecordedWithItsDisclosure(t *testing.T) {
	h := newHarness(t, recorded)
	s := &saved{tracks: map[string][]recording.Track{}}
	h.mgr.RecordingsRoot, h.mgr.Recordings = t.TempDir(), s
	cl := h.start("CA-rec")
	h.until(5*time.Second, "disclosure and welcome", func() bool { return cl.heard() == "This call is recorded. Hello." })
	cl.speak("thank you")
	h.until(10*time.Second, "reply", func() bool { return cl.heard() == "This call is recorded. Hello. You said: thank you" })
	h.run(time.Second)
	length := h.clk.Now().Sub(cl.call.State().Started)
	cl.call.Stopped()
	h.until(time.Second, "end", func() bool { return h.ended(cl) })
	h.mgr.Wait()

	tracks := s.of("CA-rec")
	kinds := map[string]bool{}
	for _, tr := range tracks {
		kinds[tr.Kind] = true
		if d := tr.Duration - length; d < -40*time.Millisecond || d > 40*time.Millisecond {
			t.Errorf("%s track lasts %v, the call %v", tr.Kind, tr.Duration, length)
		}
		if fi, err := os.Stat(tr.Path); err != nil || fi.Size() != tr.Size || tr.Size <= 44 {
			t.Errorf("%s track file %s: %v", tr.Kind, tr.Path, err)
		}
	}
	if len(tracks) != 3 || !kinds[recording.KindUser] || !kinds[recording.KindAssistant] || !kinds[recording.KindMixed] {
		t.Fatalf("tracks %+v", tracks)
	}
}

// A returning caller is not told again when the disclosure is for first
// calls only; nothing is recorded without a recordings root.
func TestDisclosureOnFirstCallOnly(t *testing.T) {
	h := newHarness(t, recorded)
	cl := h.startSpec(Spec{CallInfo: voice.CallInfo{ID: "CA-again", OrganizationID: 1, AssistantID: 1, Carrier: "test"}, Returning: true})
	h.until(5*time.Second, "welcome", func() bool { return cl.heard() == "Hello." })
}

// The background sound plays between replies, frame after frame, at the
// level it is set to.
func TestBackgroundSoundFillsTheSilence(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		office := "office"
		c.TTSSettings.BackgroundSound = assistant.BackgroundSound{Enabled: true, StorageKey: &office, Volume: 0.5, Loop: true}
	})
	lib, err := ambience.NewLibrary(ambience.LibraryOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	h.mgr.Sounds = lib
	line := &voicetest.Carrier{}
	frames := recordFrames(line)
	cl := h.startSpec(Spec{CallInfo: voice.CallInfo{ID: "CA-bg", OrganizationID: 1, AssistantID: 1, Carrier: "test"}, Line: line})
	h.until(2*time.Second, "ambience", func() bool { return cl.line.Frames() > 0 })
	start := cl.line.Frames()
	h.run(2 * time.Second)
	if n := cl.line.Frames() - start; n < 95 || n > 105 {
		t.Fatalf("%d frames of ambience in 2 s", n)
	}
	if db := level(frames()); db > -20 || db < -40 {
		t.Fatalf("ambience at %.1f dBFS", db)
	}
}

// recordFrames keeps what the line is sent.
func recordFrames(line *voicetest.Carrier) func() [][]byte {
	var (
		mu  sync.Mutex
		all [][]byte
	)
	line.OnAudio = func(f []byte) {
		mu.Lock()
		all = append(all, append([]byte(nil), f...))
		mu.Unlock()
	}
	return func() [][]byte {
		mu.Lock()
		defer mu.Unlock()
		return all
	}
}

func level(frames [][]byte) float64 {
	var pcm []int16
	for _, f := range frames {
		pcm = codecs.DecodeUlaw(pcm, f)
	}
	if len(pcm) == 0 {
		return math.Inf(-1)
	}
	return codecs.DBFS(pcm)
}

// What a clear took back was never heard, so it is not in the assistant's
// track: where the frames sent ahead of playing were to play, the track
// holds what was heard instead. (A barge-in pauses the reply while it is
// being decided, so little is queued when it clears; a call ended from
// outside clears mid-reply, and its goodbye takes the cleared frames' place.)
func TestClearedAudioIsNotRecorded(t *testing.T) {
	h := newHarness(t, func(c *assistant.Config) {
		recorded(c)
		c.RecordingSettings.DisclosureEnabled = false
		c.LLMSettings.WelcomeMessage = nil
	})
	s := &saved{tracks: map[string][]recording.Track{}}
	h.mgr.RecordingsRoot, h.mgr.Recordings = t.TempDir(), s
	h.llm.Reply = func(voice.LLMRequest) (string, []voice.ToolCall) {
		return strings.Repeat("I can help with orders, returns, deliveries, billing, and a great many other things besides. ", 4), nil
	}
	// The line keeps when each frame would play: right after the one
	// before, or when it arrives if the carrier had run dry.
	type sent struct {
		at    time.Time
		frame []byte
	}
	var (
		mu      sync.Mutex
		played  []sent
		end     time.Time
		cleared time.Time
		before  int // frames sent before the clear
	)
	line := &voicetest.Carrier{}
	line.OnAudio = func(f []byte) {
		mu.Lock()
		defer mu.Unlock()
		at := h.clk.Now()
		if end.After(at) {
			at = end
		}
		played = append(played, sent{at, append([]byte(nil), f...)})
		end = at.Add(voice.FrameDuration)
	}
	line.OnClear = func() {
		mu.Lock()
		defer mu.Unlock()
		cleared, before = h.clk.Now(), len(played)
		end = cleared
	}
	cl := h.startSpec(Spec{CallInfo: voice.CallInfo{ID: "CA-cut", OrganizationID: 1, AssistantID: 1, Carrier: "test"}, Line: line})
	cl.speak("help")
	h.until(10*time.Second, "reply playing", func() bool { return len(cl.line.Heard()) >= 4 })
	cl.call.End(events.EndTerminated, "Goodbye now.")
	h.until(5*time.Second, "end", func() bool { return h.ended(cl) })
	started := cl.call.State().Started
	h.mgr.Wait()

	var track recording.Track
	for _, tr := range s.of("CA-cut") {
		if tr.Kind == recording.KindAssistant {
			track = tr
		}
	}
	pcm := readWAV(t, track.Path)
	// Where a cleared frame was to play, the track holds what replaced it
	// (the goodbye) or silence, never the cleared frame.
	after := map[time.Time][]byte{}
	for _, f := range played[before:] {
		after[f.at] = f.frame
	}
	var cut int // cleared frames unlike what replaced them: the test can fail
	for _, f := range played[:before] {
		if f.at.Before(cleared) {
			continue
		}
		want := make([]int16, 160)
		if g, ok := after[f.at]; ok {
			want = codecs.DecodeUlaw(want[:0], g)
		}
		if !slices.Equal(codecs.DecodeUlaw(nil, f.frame), want) {
			cut++
		}
		i := int(f.at.Sub(started).Seconds() * 8000)
		if i+160 > len(pcm) {
			continue // past the end of the call
		}
		if !slices.Equal(pcm[i:i+160], want) {
			t.Errorf("the frame cleared at %v is in the recording", f.at.Sub(started))
		}
	}
	if cut == 0 {
		t.Fatal("nothing cleared differs from what replaced it: the test proves nothing")
	}
}

func readWAV(t *testing.T, path string) []int16 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := codecs.NewWAVReader(f)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, r.DataSize()/2)
	n, err := r.ReadSamples(pcm)
	if err != nil && n == 0 {
		t.Fatal(err)
	}
	return pcm[:n]
}

// While the caller's frames wake the call every 20 ms, the assistant's
// frames go out on those wake-ups: the outbound clock's timer seldom
// fires, and the reply plays whole and in order all the same.
func TestOutboundFramesRideOnTheCallersFrames(t *testing.T) {
	welcome := "one two three four five six seven eight nine ten eleven twelve"
	h := newHarness(t, func(c *assistant.Config) { c.LLMSettings.WelcomeMessage = &welcome })
	cl := h.start("CA-ride")
	cl.say = fakespeech.Silence(20 * time.Second)
	h.until(10*time.Second, "the welcome", func() bool { return cl.heard() == welcome })
	frames, fired := cl.line.Frames(), h.timersFired.Load()
	if frames < 50 || fired*10 > int64(frames) {
		t.Fatalf("%d timers went off for %d frames sent", fired, frames)
	}
}
