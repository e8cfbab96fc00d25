package recording

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var wideband = voice.Format{Encoding: voice.PCM16, SampleRate: 16000}

// settings records every track.
func settings(format string, rate, channels int) assistant.RecordingSettings {
	return assistant.RecordingSettings{
		Enabled: true, Format: format, SampleRate: rate, Channels: channels,
		RecordUserAudio: true, RecordAssistantAudio: true, RecordMixedAudio: true,
		RecordingsDir: "recordings",
	}
}

// start starts a recorder whose backlog holds a whole simulated call, so
// a call fed faster than real time loses nothing however slow the machine.
func start(t testing.TB, s assistant.RecordingSettings, in voice.Format) *Recorder {
	t.Helper()
	r, err := Start(Options{Root: t.TempDir(), CallID: "CA0123456789abcdef", Settings: s, In: in})
	if err != nil {
		t.Fatal(err)
	}
	if r == nil {
		t.Fatal("no recorder")
	}
	return r
}

func closeRecorder(t testing.TB, r *Recorder, end time.Duration) map[string]Track {
	t.Helper()
	tracks, err := r.Close(end)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Track{}
	for _, tr := range tracks {
		m[tr.Kind] = tr
	}
	return m
}

// tone is n samples of amp·sin(2πf·i/rate).
func tone(n, rate int, f, amp float64) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Round(amp * math.Sin(2*math.Pi*f*float64(i)/float64(rate))))
	}
	return s
}

// encode is pcm in the wire format f.
func encode(f voice.Format, pcm []int16) []byte {
	switch f.Encoding {
	case voice.ULaw:
		return codecs.EncodeUlaw(nil, pcm)
	case voice.ALaw:
		return codecs.EncodeAlaw(nil, pcm)
	}
	return codecs.EncodePCM16LE(nil, pcm)
}

// frames splits audio starting at offset at into 20 ms frames.
func frames(f voice.Format, at time.Duration, pcm []int16) (ats []time.Duration, out [][]byte) {
	n := codecs.FrameSamples(f.SampleRate)
	for i := 0; i < len(pcm); i += n {
		ats = append(ats, at+time.Duration(i)*time.Second/time.Duration(f.SampleRate))
		out = append(out, encode(f, pcm[i:min(i+n, len(pcm))]))
	}
	return ats, out
}

func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is required (scripts/deps.sh test installs it): %v", name, err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(requireTool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// soxiDuration is the duration soxi reads from the file's header.
func soxiDuration(t testing.TB, path string) time.Duration {
	t.Helper()
	s, err := strconv.ParseFloat(strings.TrimSpace(run(t, "soxi", "-D", path)), 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(s * float64(time.Second))
}

// decoded is a track's audio as a standard decoder returns it: WAV read
// by codecs, MP3 decoded by mpg123 (gapless, from the LAME tag).
type decoded struct {
	rate, channels int
	samples        []int16 // interleaved
}

func decodeTrack(t testing.TB, tr Track) decoded {
	t.Helper()
	path := tr.Path
	if tr.Format == "mp3" {
		path = filepath.Join(t.TempDir(), "decoded.wav")
		run(t, "mpg123", "-q", "-w", path, tr.Path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := codecs.NewWAVReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	f := r.Format()
	var all []int16
	buf := make([]int16, 4096)
	for {
		n, err := r.ReadSamples(buf)
		all = append(all, buf[:n]...)
		if err != nil || n == 0 {
			break
		}
	}
	return decoded{rate: f.SampleRate, channels: f.Channels, samples: all}
}

// channel returns one channel of d.
func (d decoded) channel(c int) []int16 {
	if d.channels == 1 {
		return d.samples
	}
	out := make([]int16, 0, len(d.samples)/d.channels)
	for i := c; i < len(d.samples); i += d.channels {
		out = append(out, d.samples[i])
	}
	return out
}

func (d decoded) duration() time.Duration {
	return time.Duration(len(d.samples)/d.channels) * time.Second / time.Duration(d.rate)
}

// span is the part of pcm between two offsets at rate.
func span(pcm []int16, rate int, from, to time.Duration) []int16 {
	i := int(from.Seconds() * float64(rate))
	j := min(int(to.Seconds()*float64(rate)), len(pcm))
	return pcm[i:j]
}

// onset is the offset of the first sample at or after from whose magnitude
// reaches level.
func onset(pcm []int16, rate int, from time.Duration, level int16) time.Duration {
	for i := int(from.Seconds() * float64(rate)); i < len(pcm); i++ {
		if pcm[i] >= level || pcm[i] <= -level {
			return time.Duration(i) * time.Second / time.Duration(rate)
		}
	}
	return -1
}
