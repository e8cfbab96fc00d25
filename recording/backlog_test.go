package recording

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

func TestLateAudioIsCounted(t *testing.T) {
	r := start(t, settings("wav", 8000, 1), voice.Telephony)
	silence := voice.Telephony.Silence()
	for at := time.Duration(0); at < 2*time.Second; at += codecs.FrameDuration {
		r.Caller(at, silence)
	}
	r.Caller(500*time.Millisecond, silence)  // long written: dropped
	r.Caller(1690*time.Millisecond, silence) // straddles the written point, 2.0 s - 300 ms
	r.Truncate(time.Second)                  // 1.0–1.7 s is written already
	got := r.Stats()
	if got.Late != 30*time.Millisecond || got.TruncateMissed != 700*time.Millisecond || got.Dropped != 0 {
		t.Errorf("stats = %+v, want 30ms late, 700ms missed", got)
	}
	closeRecorder(t, r, 2*time.Second)
}

// While the call lasts nothing runs beside it: no goroutine, no encoder,
// only the spool on disk. Close encodes the tracks and removes the spool.
func TestSpoolWhileTheCallLasts(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	root := t.TempDir()
	before := runtime.NumGoroutine()
	r, err := Start(Options{Root: root, CallID: "CA-spool", Settings: settings("mp3", 16000, 2), In: voice.Telephony})
	if err != nil {
		t.Fatal(err)
	}
	ats, fs := frames(voice.Telephony, 0, tone(8000*3, 8000, 440, 8000))
	for i := range ats {
		r.Caller(ats[i], fs[i])
	}
	if n := runtime.NumGoroutine(); n != before {
		t.Fatalf("%d goroutines while recording, %d before", n, before)
	}
	spool := filepath.Join(root, "recordings", "CA-spool.spool")
	if fi, err := os.Stat(spool); err != nil || fi.Size() == 0 {
		t.Fatalf("spool %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "recordings", "CA-spool.mixed.mp3")); !os.IsNotExist(err) {
		t.Fatalf("a track exists before the call ended: %v", err)
	}
	tracks := closeRecorder(t, r, 3*time.Second)
	if len(tracks) != 3 || tracks[KindMixed].Duration != 3*time.Second {
		t.Fatalf("tracks %+v", tracks)
	}
	if _, err := os.Stat(spool); !os.IsNotExist(err) {
		t.Fatalf("the spool is left: %v", err)
	}
}

// A spool that cannot be written loses the recording from there on, says
// so at Close, and keeps the tracks' length.
func TestSpoolWriteFailure(t *testing.T) {
	r := start(t, settings("wav", 8000, 1), voice.Telephony)
	ats, fs := frames(voice.Telephony, 0, tone(8000*2, 8000, 440, 8000))
	for i := range ats[:50] {
		r.Caller(ats[i], fs[i])
	}
	if err := r.spool.flush(); err != nil {
		t.Fatal(err)
	}
	r.spool.w.Reset(failingWriter{}) // the disk is gone
	for i := range ats[50:] {
		r.Caller(ats[50+i], fs[50+i])
	}
	tracks, err := r.Close(2 * time.Second)
	if !errors.Is(err, errDiskGone) || r.Stats().Dropped == 0 {
		t.Fatalf("err %v, stats %+v", err, r.Stats())
	}
	for _, tr := range tracks {
		if tr.Duration != 2*time.Second {
			t.Fatalf("%s track lasts %v", tr.Kind, tr.Duration)
		}
	}
}

var errDiskGone = errors.New("no space left on device")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskGone }

// Encoders bound the encodings at once.
func TestEncodersBound(t *testing.T) {
	enc := NewEncoders(2)
	a, b := enc.acquire(), enc.acquire()
	select {
	case enc.slots <- struct{}{}:
		t.Fatal("a third encoding at once")
	default:
	}
	a()
	c := enc.acquire() // a slot freed
	b()
	c()
	var none *Encoders
	none.acquire()() // no bound
}
