package recording

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// The simulated call: 6 s; the caller says a "word" (440 Hz) at 2.0–2.4 s
// and interrupts (300 Hz) at 3.75–4.2 s; the assistant plays a first reply
// (1 kHz) at 0.5–1.5 s and a second (700 Hz) from 3.0 s, meant to last to
// 4.5 s but cleared by the barge-in at 3.8 s. Assistant frames are handed
// over 100 ms before they play, as the call's playout schedules them.
const (
	callLength = 6 * time.Second
	wordAt     = 2 * time.Second
	bargeInAt  = 3800 * time.Millisecond
	ahead      = 100 * time.Millisecond
)

type timedFrame struct {
	at    time.Duration
	frame []byte
}

func callAudio(in voice.Format) (caller, assistant []timedFrame) {
	rate := in.SampleRate
	n := func(d time.Duration) int { return int(d.Seconds() * float64(rate)) }
	callerPCM := make([]int16, n(callLength))
	copy(callerPCM[n(wordAt):], tone(n(400*time.Millisecond), rate, 440, 8000))
	copy(callerPCM[n(3750*time.Millisecond):], tone(n(450*time.Millisecond), rate, 300, 8000))
	ats, fs := frames(in, 0, callerPCM)
	for i := range ats {
		caller = append(caller, timedFrame{ats[i], fs[i]})
	}
	for _, reply := range []struct {
		at, length time.Duration
		f          float64
	}{{500 * time.Millisecond, time.Second, 1000}, {3 * time.Second, 1500 * time.Millisecond, 700}} {
		ats, fs := frames(in, reply.at, tone(n(reply.length), rate, reply.f, 6000))
		for i := range ats {
			assistant = append(assistant, timedFrame{ats[i], fs[i]})
		}
	}
	return caller, assistant
}

// playCall feeds the simulated call in call-clock order and closes r.
func playCall(t testing.TB, r *Recorder, in voice.Format) map[string]Track {
	t.Helper()
	caller, assistant := callAudio(in)
	next, cleared := 0, false
	for _, c := range caller {
		if !cleared && c.at >= bargeInAt {
			r.Truncate(bargeInAt) // the carrier was told to clear
			cleared = true
		}
		for next < len(assistant) && assistant[next].at <= c.at+ahead && !(cleared && assistant[next].at >= bargeInAt) {
			r.Assistant(assistant[next].at, assistant[next].frame)
			next++
		}
		if cleared {
			for next < len(assistant) && assistant[next].at >= bargeInAt {
				next++ // the rest of the cleared reply is never scheduled
			}
		}
		r.Caller(c.at, c.frame)
	}
	if s := r.Stats(); s != (Stats{}) {
		t.Errorf("stats = %+v, want nothing lost", s)
	}
	return closeRecorder(t, r, callLength)
}

func TestRecordCall(t *testing.T) {
	cases := []struct {
		format         string
		rate, channels int
		in             voice.Format
	}{
		{"wav", 8000, 1, voice.Telephony},
		{"wav", 16000, 2, voice.Telephony},
		{"wav", 48000, 2, wideband},
		{"mp3", 8000, 1, wideband},
		{"mp3", 16000, 2, voice.Telephony},
		{"mp3", 22050, 1, voice.Telephony},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%d-%dch-from-%s", c.format, c.rate, c.channels, c.in), func(t *testing.T) {
			t.Parallel()
			s := settings(c.format, c.rate, c.channels)
			tracks := playCall(t, start(t, s, c.in), c.in)
			if len(tracks) != 3 {
				t.Fatalf("tracks = %v, want user, assistant and mixed", tracks)
			}
			for kind, tr := range tracks {
				wantCh := 1
				if kind == KindMixed {
					wantCh = c.channels
				}
				if tr.Format != c.format || tr.SampleRate != c.rate || tr.Channels != wantCh || tr.Duration != callLength {
					t.Errorf("%s track = %+v", kind, tr)
				}
				if fi, err := os.Stat(tr.Path); err != nil || fi.Size() != tr.Size {
					t.Errorf("%s: stat %v, size %d", kind, err, tr.Size)
				}
				checkStandardTools(t, tr)
			}
			checkCallContent(t, tracks)
		})
	}
}

// checkStandardTools decodes a track with sox and (MP3) mpg123 and checks
// the length they see.
func checkStandardTools(t *testing.T, tr Track) {
	t.Helper()
	run(t, "sox", "-V1", tr.Path, "-n", "stat")
	got := soxiDuration(t, tr.Path)
	if tr.Format == "wav" {
		if got != callLength {
			t.Errorf("%s: soxi says %v, want %v", tr.Kind, got, callLength)
		}
		return
	}
	run(t, "mpg123", "-q", "-t", tr.Path)
	// soxi estimates an MP3's length without the LAME tag: encoder delay
	// and padding (under 0.3 s at these rates) come on top.
	if got < callLength || got > callLength+300*time.Millisecond {
		t.Errorf("%s: soxi says %v, want %v plus at most the MP3 delay", tr.Kind, got, callLength)
	}
	if d := decodeTrack(t, tr); d.duration() != callLength {
		t.Errorf("%s: mpg123 decodes %v, want %v", tr.Kind, d.duration(), callLength)
	}
}

// checkCallContent checks where the simulated call's sounds are.
func checkCallContent(t *testing.T, tracks map[string]Track) {
	t.Helper()
	user, asst, mixed := decodeTrack(t, tracks[KindUser]), decodeTrack(t, tracks[KindAssistant]), decodeTrack(t, tracks[KindMixed])
	rate := user.rate
	mixCaller, mixAssistant := mixed.channel(0), mixed.channel(1)

	// The caller's word is at 2.0 s in the user track and in the mix.
	for name, pcm := range map[string][]int16{"user": user.samples, "mixed": mixCaller} {
		if got := onset(pcm, rate, 1900*time.Millisecond, 2000); got < wordAt-2*time.Millisecond || got > wordAt+2*time.Millisecond {
			t.Errorf("%s: word starts at %v, want %v", name, got, wordAt)
		}
	}
	// The first reply starts at 0.5 s.
	if got := onset(asst.samples, rate, 0, 1500); got < 498*time.Millisecond || got > 502*time.Millisecond {
		t.Errorf("assistant: first reply starts at %v, want 500ms", got)
	}

	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	rms := func(pcm []int16, from, to time.Duration) float64 { return codecs.RMS(span(pcm, rate, from, to)) }
	// The second reply played until the barge-in, and nothing after it.
	if got := rms(asst.samples, ms(3050), ms(3750)); got < 3000 {
		t.Errorf("assistant: second reply RMS %.0f before the barge-in, want about 4243", got)
	}
	if got := rms(asst.samples, ms(3850), ms(4600)); got > 30 {
		t.Errorf("assistant: RMS %.0f after the barge-in, want silence (the cleared audio must not be recorded)", got)
	}
	if mixed.channels == 2 {
		if got := rms(mixAssistant, ms(3850), ms(4600)); got > 30 {
			t.Errorf("mixed right: RMS %.0f after the barge-in, want silence", got)
		}
		if got := rms(mixAssistant, ms(1900), ms(2500)); got > 30 {
			t.Errorf("mixed right: caller's word leaks into the assistant side (RMS %.0f)", got)
		}
	} else if got := rms(mixCaller, ms(4250), ms(4600)); got > 30 {
		t.Errorf("mixed: RMS %.0f after the barge-in and the caller's turn, want silence", got)
	}
	if got := rms(user.samples, ms(600), ms(1400)); got > 30 {
		t.Errorf("user: the assistant's reply leaks into the caller track (RMS %.0f)", got)
	}
}

func TestTrackSelection(t *testing.T) {
	cases := []struct {
		user, userOnly, asst, mixed bool
		want                        []string
	}{
		{user: true, want: []string{KindUser}},
		{userOnly: true, want: []string{KindUser}},
		{user: true, userOnly: true, want: []string{KindUser}},
		{asst: true, want: []string{KindAssistant}},
		{mixed: true, want: []string{KindMixed}},
		{userOnly: true, mixed: true, want: []string{KindUser, KindMixed}},
		{user: true, asst: true, want: []string{KindUser, KindAssistant}},
	}
	for _, c := range cases {
		for _, channels := range []int{1, 2} {
			s := settings("wav", 16000, channels)
			s.RecordUserAudio, s.RecordUserOnlyTrack, s.RecordAssistantAudio, s.RecordMixedAudio = c.user, c.userOnly, c.asst, c.mixed
			r := start(t, s, voice.Telephony)
			caller, assistant := callAudio(voice.Telephony)
			for i := range caller {
				r.Caller(caller[i].at, caller[i].frame)
			}
			for i := range assistant {
				r.Assistant(assistant[i].at, assistant[i].frame)
			}
			tracks, err := r.Close(callLength)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tr := range tracks {
				got = append(got, tr.Kind)
				if tr.Duration != callLength {
					t.Errorf("%+v: %s lasts %v", c, tr.Kind, tr.Duration)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("%+v: tracks %v, want %v", c, got, c.want)
			}
			entries, _ := os.ReadDir(filepath.Dir(tracks[0].Path))
			if len(entries) != len(c.want) {
				t.Errorf("%+v: %d files, want %d", c, len(entries), len(c.want))
			}
			// The only-mix pipeline (one resampler) must align like the others.
			if len(c.want) == 1 && c.mixed {
				d := decodeTrack(t, tracks[0])
				if got := onset(d.channel(0), d.rate, 1900*time.Millisecond, 2000); got < wordAt-2*time.Millisecond || got > wordAt+2*time.Millisecond {
					t.Errorf("%d channels mix only: word at %v", channels, got)
				}
			}
		}
	}
}

func TestDisabledWritesNothing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	for name, s := range map[string]func(*Options){
		"disabled": func(o *Options) { o.Settings.Enabled = false },
		"no tracks": func(o *Options) {
			o.Settings.RecordUserAudio, o.Settings.RecordAssistantAudio, o.Settings.RecordMixedAudio = false, false, false
		},
	} {
		o := Options{Root: root, CallID: "CA1", Settings: settings("wav", 8000, 1), In: voice.Telephony}
		s(&o)
		r, err := Start(o)
		if r != nil || err != nil {
			t.Fatalf("%s: Start = %v, %v; want nil, nil", name, r, err)
		}
		// A nil Recorder takes the whole call and records nothing.
		r.Caller(0, voice.Telephony.Silence())
		r.Assistant(0, voice.Telephony.Silence())
		r.Truncate(0)
		if tracks, err := r.Close(time.Second); tracks != nil || err != nil || r.Stats() != (Stats{}) {
			t.Fatalf("%s: nil recorder Close = %v, %v", name, tracks, err)
		}
	}
	if _, err := os.Stat(root); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("root created for a call that records nothing: %v", err)
	}
}

func TestStartRefusesUnsafePaths(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "root")
	outside := filepath.Join(parent, "outside")
	if err := os.MkdirAll(filepath.Join(root), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outside, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	base := Options{Root: root, CallID: "CA1", Settings: settings("wav", 8000, 1), In: voice.Telephony}
	cases := []struct {
		callID, dir string
		want        error
	}{
		{"../../etc/passwd", "recordings", ErrCallID},
		{"..", "recordings", ErrCallID},
		{".hidden", "recordings", ErrCallID},
		{"a/b", "recordings", ErrCallID},
		{`a\b`, "recordings", ErrCallID},
		{"", "recordings", ErrCallID},
		{"CA1\x00", "recordings", ErrCallID},
		{"CA1", "../outside", ErrSettings},
		{"CA1", "/tmp", ErrSettings},
		{"CA1", "escape", ErrSettings}, // a symlink out of the root
		{"CA1", "escape/deeper", ErrSettings},
	}
	for _, c := range cases {
		o := base
		o.CallID, o.Settings.RecordingsDir = c.callID, c.dir
		r, err := Start(o)
		if !errors.Is(err, c.want) || r != nil {
			t.Errorf("call %q dir %q: Start = %v, %v; want %v", c.callID, c.dir, r, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("files written outside the root: %v", entries)
	}
	// Carrier call IDs are accepted as they are.
	for _, id := range []string{"CA5f1c0f7ae4d1c3e8d7a6b5c4d3e2f1a0", "v3:Mdl91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg", "5f1c0f7a-e4d1-4c3e-8d7a-6b5c4d3e2f1a"} {
		o := base
		o.CallID = id
		r, err := Start(o)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if _, err := r.Close(time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStartDoesNotOverwrite(t *testing.T) {
	o := Options{Root: t.TempDir(), CallID: "CA1", Settings: settings("wav", 8000, 1), In: voice.Telephony}
	r, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	r.Caller(0, encode(voice.Telephony, tone(8000, 8000, 440, 8000)))
	tracks := closeRecorder(t, r, time.Second)
	before, _ := os.ReadFile(tracks[KindUser].Path)
	if r, err := Start(o); err == nil || r != nil {
		t.Fatalf("second Start for the same call = %v, %v; want an error", r, err)
	}
	after, _ := os.ReadFile(tracks[KindUser].Path)
	if string(before) != string(after) {
		t.Fatal("the first recording was changed")
	}
	// A failed Start leaves no partial set behind: the user file existed,
	// so nothing new was created.
	entries, _ := os.ReadDir(filepath.Dir(tracks[KindUser].Path))
	if len(entries) != 3 {
		t.Fatalf("%d files, want the first call's 3", len(entries))
	}
}

func TestStartRejectsBadSettings(t *testing.T) {
	for name, mod := range map[string]func(*Options){
		"format":   func(o *Options) { o.Settings.Format = "ogg" },
		"rate":     func(o *Options) { o.Settings.SampleRate = 11025 },
		"channels": func(o *Options) { o.Settings.Channels = 3 },
		"window":   func(o *Options) { o.Window = 20 * time.Millisecond },
	} {
		o := Options{Root: t.TempDir(), CallID: "CA1", Settings: settings("wav", 8000, 1), In: voice.Telephony}
		mod(&o)
		if _, err := Start(o); !errors.Is(err, ErrSettings) {
			t.Errorf("%s: %v, want ErrSettings", name, err)
		}
	}
	for _, in := range []voice.Format{{Encoding: voice.ULaw, SampleRate: 11025}, {Encoding: voice.EncodingUnknown, SampleRate: 8000}} {
		o := Options{Root: t.TempDir(), CallID: "CA1", Settings: settings("wav", 8000, 1), In: in}
		if _, err := Start(o); !errors.Is(err, ErrInputFormat) {
			t.Errorf("%s: %v, want ErrInputFormat", in, err)
		}
	}
}

func TestCloseTwice(t *testing.T) {
	r := start(t, settings("wav", 8000, 1), voice.Telephony)
	closeRecorder(t, r, time.Second)
	if _, err := r.Close(time.Second); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	r.Caller(0, voice.Telephony.Silence()) // ignored, no panic
}
