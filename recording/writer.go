package recording

import (
	"math"
	"slices"

	"github.com/switchboard-voice/switchboard/codecs"
)

// chunk is a committed stretch of both directions at the input rate,
// starting at call sample index start.
type chunk struct {
	start     int64
	caller    []int16
	assistant []int16
}

// stream is one resampled signal and its latest output.
type stream struct {
	rs  *codecs.Resampler
	out []int16
}

// writer turns chunks into the track files: resample, mix, encode,
// write. A gap between chunks (a stretch nobody sent, or audio the spool
// could not take) becomes silence.
//
// Each direction a track needs is resampled once and the mixed track is made
// from the results; when the mono mix is the only track, the mix is made at
// the input rate instead, so one resampler suffices.
type writer struct {
	user, assistant, mixed *trackFile
	tracks                 []*trackFile

	caller, callee, mix *stream // callee is the assistant's direction; nil when unused
	streams             []*stream
	skip                int // output samples of resampler delay still to drop

	inRate, outRate int
	inDone          int64 // input samples processed
	outDone         int64 // output samples (per channel) produced
	total           int64 // input samples in the call, set before finish

	zeros             []int16 // one chunk of silence
	mixIn, interleave []int16
	err               error
}

func newWriter(inRate, outRate, chunkSamples int, user, assistant, mixed *trackFile) (*writer, error) {
	w := &writer{user: user, assistant: assistant, mixed: mixed, inRate: inRate, outRate: outRate,
		zeros: make([]int16, chunkSamples)}
	for _, t := range []*trackFile{user, assistant, mixed} {
		if t != nil {
			w.tracks = append(w.tracks, t)
		}
	}
	var err error
	add := func() *stream {
		rs, e := codecs.NewResampler(inRate, outRate)
		if e != nil {
			err = e
			return nil
		}
		s := &stream{rs: rs}
		w.streams = append(w.streams, s)
		return s
	}
	switch {
	case mixed != nil && mixed.Channels == 1 && user == nil && assistant == nil:
		w.mix = add()
	default:
		if user != nil || mixed != nil {
			w.caller = add()
		}
		if assistant != nil || mixed != nil {
			w.callee = add()
		}
	}
	if err != nil {
		return nil, err
	}
	w.skip = int(math.Round(w.streams[0].rs.Delay().Seconds() * float64(outRate)))
	return w, nil
}

// chunk writes the silence of a gap before c, then c.
func (w *writer) chunk(c *chunk) error {
	if err := w.silence(c.start - w.inDone); err != nil {
		return err
	}
	return w.process(c.caller, c.assistant)
}

// silence writes n input samples of silence.
func (w *writer) silence(n int64) error {
	for n > 0 {
		k := int(min(n, int64(len(w.zeros))))
		if err := w.process(w.zeros[:k], w.zeros[:k]); err != nil {
			return err
		}
		n -= int64(k)
	}
	return nil
}

// process resamples and writes equal lengths of both directions.
func (w *writer) process(caller, assistant []int16) error {
	w.inDone += int64(len(caller))
	if w.mix != nil {
		w.mixIn = append(w.mixIn[:0], caller...)
		codecs.MixInto(w.mixIn, assistant, 1)
		w.mix.out = w.mix.rs.Process(w.mix.out[:0], w.mixIn)
	}
	if w.caller != nil {
		w.caller.out = w.caller.rs.Process(w.caller.out[:0], caller)
	}
	if w.callee != nil {
		w.callee.out = w.callee.rs.Process(w.callee.out[:0], assistant)
	}
	return w.emit(-1)
}

// finish writes the input still inside the resamplers and pads or trims
// every track to the call's length.
func (w *writer) finish() error {
	if err := w.silence(w.total - w.inDone); err != nil {
		return err
	}
	for _, s := range w.streams {
		s.out = s.rs.Flush(s.out[:0])
	}
	want := (w.total*int64(w.outRate) + int64(w.inRate)/2) / int64(w.inRate)
	return w.emit(max(want-w.outDone, 0))
}

// emit drops what remains of the resampler delay from the head of the
// outputs (all the same length: the resamplers are alike and fed alike) and
// writes them to the tracks. limit >= 0 makes the output exactly limit
// samples long, trimming or padding with silence.
func (w *writer) emit(limit int64) error {
	drop := min(w.skip, len(w.streams[0].out))
	w.skip -= drop
	for _, s := range w.streams {
		b := s.out[drop:]
		if n := int(limit); limit >= 0 {
			if m := len(b); m < n {
				b = slices.Grow(b, n-m)[:n]
				clear(b[m:])
			}
			b = b[:n]
		}
		s.out = b
	}
	w.outDone += int64(len(w.streams[0].out))
	return w.write()
}

// write sends the current outputs to the tracks.
func (w *writer) write() error {
	if w.mix != nil {
		return w.mixed.write(w.mix.out)
	}
	if w.user != nil {
		if err := w.user.write(w.caller.out); err != nil {
			return err
		}
	}
	if w.assistant != nil {
		if err := w.assistant.write(w.callee.out); err != nil {
			return err
		}
	}
	switch {
	case w.mixed == nil:
		return nil
	case w.mixed.Channels == 2:
		w.interleave = codecs.Interleave(w.interleave[:0], w.caller.out, w.callee.out)
		return w.mixed.write(w.interleave)
	}
	w.mixIn = append(w.mixIn[:0], w.caller.out...)
	codecs.MixInto(w.mixIn, w.callee.out, 1)
	return w.mixed.write(w.mixIn)
}
