package recording

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// DefaultWindow is Options.Window's default.
const DefaultWindow = 300 * time.Millisecond

// chunkDuration is how much audio the recorder spools at once.
const chunkDuration = 100 * time.Millisecond

// rates are the rates codecs.Resampler converts, for the input and the
// recording alike.
var rates = []int{8000, 16000, 22050, 24000, 44100, 48000}

// maxCallIDLen bounds the file name stem.
const maxCallIDLen = 128

// Options describe one call's recording.
type Options struct {
	// Root is the engine's recordings root. Files go in
	// Root/Settings.RecordingsDir; neither the directory nor the call ID can
	// lead outside Root.
	Root     string
	CallID   string
	Settings assistant.RecordingSettings
	// In is the format of the frames given to Caller and Assistant.
	In voice.Format
	// Window is how long audio stays in memory, unwritten, so that a
	// Truncate can still remove it (DefaultWindow if zero; at least 100 ms).
	// It must exceed how far ahead of playing assistant audio is scheduled.
	Window time.Duration
	// Encoders bounds the node's encodings at once (nil: no bound).
	Encoders *Encoders
}

// Stats count what the recording lost. Durations are of call time.
type Stats struct {
	Dropped        time.Duration // queued audio dropped because the disk fell behind; silence in the files
	Late           time.Duration // audio that arrived after its time was written; not in the files
	TruncateMissed time.Duration // span a Truncate could not clear because it was written already
}

// Recorder records one call. Its methods are meant for one goroutine, the
// call's actor; Caller, Assistant and Truncate never block on anything but
// an occasional buffered write. The methods of a nil *Recorder do nothing,
// which is what Start returns for a call that records nothing.
type Recorder struct {
	in       voice.Format
	window   int64 // samples
	chunk    int   // samples
	width    int   // bytes a sample in the input encoding
	tl       *timeline
	stats    struct{ dropped, late, missed int64 }
	spoolErr error // the first write that failed

	o      Options
	dir    string // the tracks' directory, under the root
	spool  *spool
	closed bool
}

// Start checks the settings and where the tracks will go, and opens the
// call's spool. It returns a nil *Recorder, and creates nothing, when
// recording is disabled or no track is selected. The caller must Close a
// non-nil Recorder.
func Start(o Options) (*Recorder, error) {
	s := o.Settings
	if !s.Enabled || !(s.RecordUserAudio || s.RecordUserOnlyTrack || s.RecordAssistantAudio || s.RecordMixedAudio) {
		return nil, nil
	}
	if err := checkSettings(s); err != nil {
		return nil, err
	}
	if err := checkInput(o.In); err != nil {
		return nil, err
	}
	if err := checkCallID(o.CallID); err != nil {
		return nil, err
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	if o.Window < chunkDuration {
		return nil, fmt.Errorf("%w: window %v must be at least %v", ErrSettings, o.Window, chunkDuration)
	}
	if err := os.MkdirAll(o.Root, 0o750); err != nil {
		return nil, fmt.Errorf("recording: creating the recordings root: %w", err)
	}
	root, err := os.OpenRoot(o.Root)
	if err != nil {
		return nil, fmt.Errorf("recording: opening the recordings root: %w", err)
	}
	defer root.Close()
	dir := filepath.Clean(s.RecordingsDir)
	if err := root.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("%w: recordings_dir %q: %v", ErrSettings, s.RecordingsDir, err)
	}
	r := &Recorder{in: o.In, o: o, dir: dir}
	for _, t := range r.plan() {
		if _, err := root.Lstat(t.rel); err == nil {
			return nil, fmt.Errorf("recording: creating %s track: %w", t.kind, os.ErrExist)
		}
	}
	rate := o.In.SampleRate
	r.width = sampleWidth(o.In.Encoding)
	r.window = int64(samplesIn(rate, o.Window))
	r.chunk = samplesIn(rate, chunkDuration)
	if r.spool, err = createSpool(root, filepath.Join(dir, o.CallID+".spool"), r.chunk, r.width); err != nil {
		return nil, err
	}
	r.tl = newTimeline(int(r.window)+3*r.chunk, r.width, quietByte(o.In.Encoding))
	return r, nil
}

// plannedTrack is a track the recording will make.
type plannedTrack struct {
	kind     string
	rel      string // under the root
	channels int
}

// plan lists the tracks the settings ask for.
func (r *Recorder) plan() []plannedTrack {
	s := r.o.Settings
	var out []plannedTrack
	add := func(want bool, kind string, channels int) {
		if want {
			out = append(out, plannedTrack{kind, filepath.Join(r.dir, r.o.CallID+"."+kind+"."+s.Format), channels})
		}
	}
	add(s.RecordUserAudio || s.RecordUserOnlyTrack, KindUser, 1)
	add(s.RecordAssistantAudio, KindAssistant, 1)
	add(s.RecordMixedAudio, KindMixed, s.Channels)
	return out
}

func checkSettings(s assistant.RecordingSettings) error {
	switch {
	case s.Format != "wav" && s.Format != "mp3":
		return fmt.Errorf("%w: format %q (want wav or mp3)", ErrSettings, s.Format)
	case !slices.Contains(rates, s.SampleRate):
		return fmt.Errorf("%w: sample_rate %d", ErrSettings, s.SampleRate)
	case s.Channels != 1 && s.Channels != 2:
		return fmt.Errorf("%w: channels %d (want 1 or 2)", ErrSettings, s.Channels)
	case !filepath.IsLocal(s.RecordingsDir):
		return fmt.Errorf("%w: recordings_dir %q is not a relative path inside the recordings root", ErrSettings, s.RecordingsDir)
	}
	return nil
}

func checkInput(f voice.Format) error {
	if f.Encoding != voice.ULaw && f.Encoding != voice.ALaw && f.Encoding != voice.PCM16 {
		return fmt.Errorf("%w: %s", ErrInputFormat, f)
	}
	if !slices.Contains(rates, f.SampleRate) {
		return fmt.Errorf("%w: %s (rates: %v)", ErrInputFormat, f, rates)
	}
	return nil
}

// checkCallID admits carrier call IDs (Twilio "CA…", Telnyx "v3:…",
// Vonage UUIDs) and nothing that could name another directory.
func checkCallID(id string) error {
	if id == "" || len(id) > maxCallIDLen || id[0] == '.' {
		return fmt.Errorf("%w: %q", ErrCallID, id)
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':'
		if !ok {
			return fmt.Errorf("%w: %q", ErrCallID, id)
		}
	}
	return nil
}

// samplesIn is the number of samples in d at rate, rounded to nearest.
func samplesIn(rate int, d time.Duration) int {
	return int((int64(d)*int64(rate) + int64(time.Second)/2) / int64(time.Second))
}

// index is the call sample index of offset at, rounded to nearest (half
// away from zero; offsets before the call are negative).
func (r *Recorder) index(at time.Duration) int64 {
	x := int64(at) * int64(r.in.SampleRate)
	if x < 0 {
		return -((-x + int64(time.Second)/2) / int64(time.Second))
	}
	return (x + int64(time.Second)/2) / int64(time.Second)
}

func (r *Recorder) duration(samples int64) time.Duration {
	return time.Duration(samples * int64(time.Second) / int64(r.in.SampleRate))
}

// Caller records a frame of the caller's audio, in the input format, that
// arrived at offset at of the call.
func (r *Recorder) Caller(at time.Duration, frame []byte) { r.put(false, at, frame) }

// Assistant records a frame of the assistant's audio, in the input format,
// scheduled to play at offset at of the call.
func (r *Recorder) Assistant(at time.Duration, frame []byte) { r.put(true, at, frame) }

func (r *Recorder) put(assistant bool, at time.Duration, frame []byte) {
	if r == nil || r.closed {
		return
	}
	w := r.width
	frame = frame[:len(frame)/w*w] // a trailing partial PCM16 sample is ignored
	i := r.index(at)
	if late := r.tl.start - i; late > 0 {
		late = min(late, int64(len(frame)/w))
		r.stats.late += late
		frame, i = frame[int(late)*w:], i+late
	}
	// Pieces of at most a chunk keep the pending span within the window
	// plus two chunks, whatever the frame size.
	for len(frame) > 0 {
		n := min(len(frame)/w, r.chunk)
		end := i + int64(n)
		if end > r.tl.end() {
			r.commit(end - r.window)
			r.tl.extend(end)
		}
		r.tl.put(assistant, i, frame[:n*w])
		frame, i = frame[n*w:], end
	}
}

// sampleWidth is the bytes of one sample in encoding e.
func sampleWidth(e voice.Encoding) int {
	if e == voice.PCM16 {
		return 2
	}
	return 1
}

// quietByte is the byte that fills silence in encoding e (PCM16's is zero
// in both bytes).
func quietByte(e voice.Encoding) byte {
	switch e {
	case voice.ULaw:
		return codecs.UlawSilence
	case voice.ALaw:
		return codecs.AlawSilence
	}
	return 0
}

// decode appends the samples of src, whole samples in encoding e.
func decode(dst []int16, e voice.Encoding, src []byte) []int16 {
	switch e {
	case voice.ULaw:
		return codecs.DecodeUlaw(dst, src)
	case voice.ALaw:
		// A-law's silence byte decodes to +8 (A-law has no zero level).
		// It is made 0, so that the stretches no frame covered, which the
		// timeline fills with it, are true silence in the tracks, as they
		// were when the timeline held decoded samples. A caller's own
		// 0xD5 becomes 0 too: 8/32768, 72 dB below full scale.
		n := len(dst)
		dst = codecs.DecodeAlaw(dst, src)
		for i, b := range src {
			if b == codecs.AlawSilence {
				dst[n+i] = 0
			}
		}
		return dst
	}
	dst, _ = codecs.DecodePCM16LE(dst, src)
	return dst
}

// Truncate removes the assistant audio scheduled at or after offset from:
// a barge-in cleared it, so the caller never heard it. Audio scheduled
// later by a new reply is recorded as usual.
func (r *Recorder) Truncate(from time.Duration) {
	if r == nil || r.closed {
		return
	}
	i := r.index(from)
	if missed := r.tl.start - i; missed > 0 {
		r.stats.missed += missed
	}
	r.tl.silence(true, i)
}

// commit spools every whole chunk before call sample index horizon. A
// stretch past the pending audio is skipped: encoding fills gaps with
// silence.
func (r *Recorder) commit(horizon int64) {
	for r.tl.start+int64(r.chunk) <= horizon {
		if r.tl.n == 0 {
			c := int64(r.chunk)
			r.tl.skipTo(r.tl.start + (horizon-r.tl.start)/c*c)
			return
		}
		r.send(r.chunk)
	}
}

// send spools the next k samples as one chunk. After a failed write the
// rest is dropped (and counted): the recording is lost, and Close says so.
func (r *Recorder) send(k int) {
	if r.spoolErr != nil {
		r.stats.dropped += int64(k)
		r.tl.discard(k)
		return
	}
	r.tl.extend(r.tl.start + int64(k)) // silence past the pending span
	caller, assistant := r.tl.head(k)
	err := r.spool.write(r.tl.start, k, caller, assistant)
	r.tl.discard(k)
	if err != nil {
		r.spoolErr = fmt.Errorf("recording: writing the spool: %w", err)
		r.stats.dropped += int64(k)
	}
}

// Stats reports what the recording has lost so far.
func (r *Recorder) Stats() Stats {
	if r == nil {
		return Stats{}
	}
	return Stats{Dropped: r.duration(r.stats.dropped), Late: r.duration(r.stats.late), TruncateMissed: r.duration(r.stats.missed)}
}

// Close ends the recording at offset end, the call's length: assistant
// audio scheduled at or after end never played and is dropped, and every
// track is padded with silence to end (or to what is already written, if
// that is longer). Close then encodes the tracks from the spool, when one
// of the node's encoders is free, and removes the spool: it takes as long
// as the encoding, so call it off the actor. It returns the tracks even
// with an error, which then names what failed.
func (r *Recorder) Close(end time.Duration) ([]Track, error) {
	if r == nil {
		return nil, nil
	}
	if r.closed {
		return nil, ErrClosed
	}
	r.closed = true
	e := r.index(end)
	r.tl.cut(e)
	for r.tl.n > 0 {
		r.send(min(r.chunk, r.tl.n))
	}
	total := max(e, r.tl.start)
	if err := r.spool.flush(); err != nil && r.spoolErr == nil {
		r.spoolErr = fmt.Errorf("recording: writing the spool: %w", err)
	}
	root, err := os.OpenRoot(r.o.Root)
	if err != nil {
		return nil, errors.Join(r.spoolErr, fmt.Errorf("recording: opening the recordings root: %w", err))
	}
	defer root.Close()
	release := r.o.Encoders.acquire()
	tracks, err := r.encode(root, total)
	release()
	return tracks, errors.Join(r.spoolErr, err, r.spool.remove(root))
}

// encode makes the tracks from the spool.
func (r *Recorder) encode(root *os.Root, total int64) ([]Track, error) {
	src, err := r.spool.rewind(r.in.Encoding)
	if err != nil {
		return nil, err
	}
	s := r.o.Settings
	files := map[string]*trackFile{}
	var opened []*trackFile
	for _, t := range r.plan() {
		tf, err := openTrack(root, t.rel, filepath.Join(r.o.Root, t.rel),
			Track{Kind: t.kind, Format: s.Format, SampleRate: s.SampleRate, Channels: t.channels})
		if err != nil {
			for i, o := range opened {
				o.abort(root, r.plan()[i].rel)
			}
			return nil, err
		}
		files[t.kind] = tf
		opened = append(opened, tf)
	}
	w, err := newWriter(r.in.SampleRate, s.SampleRate, r.chunk, files[KindUser], files[KindAssistant], files[KindMixed])
	if err == nil {
		var c chunk
		for {
			ok, rerr := src.next(&c)
			if rerr != nil || !ok {
				err = rerr
				break
			}
			if err = w.chunk(&c); err != nil {
				break
			}
		}
	}
	if err == nil && w != nil {
		w.total = total
		err = w.finish()
	}
	tracks := make([]Track, len(opened))
	for i, t := range opened {
		err = errors.Join(err, t.finish())
		tracks[i] = t.Track
	}
	return tracks, err
}
