package recording

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// FuzzAlignment feeds a random schedule of frames (any length, out of order,
// overlapping, late, with truncations) to a recorder that neither resamples
// nor encodes lossily (8 kHz in, WAV 8 kHz out), and compares every sample
// of the files with a model of the documented rules: each sample lands at
// its offset; a newer frame replaces an older one; audio is final once the
// newest audio is Window past it, in whole chunks, and a frame before that
// is dropped; Truncate silences pending assistant audio; Close cuts what is
// pending past the end and pads to it. It runs with PCM16, μ-law and A-law
// input: the recorder keeps G.711 audio as the carrier's bytes until the
// call ends, and the tracks must hold what those bytes decode to, with
// silence (0) wherever no frame was.
func FuzzAlignment(f *testing.F) {
	f.Add([]byte{0, 10, 0, 160, 0, 1, 12, 0, 160, 0, 0, 20, 0, 160, 0, 2, 5, 0, 0, 0, 9})
	f.Add([]byte{1, 200, 40, 1, 144, 0, 0, 0, 255, 255, 2, 0, 100, 0, 0, 1, 128, 0, 0, 50, 3})
	f.Add([]byte{0, 255, 255, 0, 1, 0, 0, 0, 0, 1, 1, 100, 100, 3, 0, 2, 90, 90, 0, 0, 0, 127, 0, 1, 144, 200})
	f.Fuzz(func(t *testing.T, ops []byte) {
		for _, e := range []voice.Encoding{voice.PCM16, voice.ULaw, voice.ALaw} {
			t.Run(e.String(), func(t *testing.T) { checkAlignment(t, e, ops) })
		}
	})
}

// heard is what pcm sent in encoding e is in the tracks: G.711's levels,
// and A-law's silence byte (+8) as 0.
func heard(e voice.Encoding, pcm []int16) []int16 {
	switch e {
	case voice.ULaw:
		return codecs.DecodeUlaw(nil, codecs.EncodeUlaw(nil, pcm))
	case voice.ALaw:
		b := codecs.EncodeAlaw(nil, pcm)
		out := codecs.DecodeAlaw(nil, b)
		for i := range b {
			if b[i] == codecs.AlawSilence {
				out[i] = 0
			}
		}
		return out
	}
	return pcm
}

func checkAlignment(t *testing.T, e voice.Encoding, ops []byte) {
	const rate = 8000
	in := voice.Format{Encoding: e, SampleRate: rate}
	s := settings("wav", rate, 2)
	r, err := Start(Options{Root: t.TempDir(), CallID: "CA1", Settings: s, In: in})
	if err != nil {
		t.Fatal(err)
	}
	window, chunk := r.window, int64(r.chunk)
	var m model
	var latest int64 // end of the newest audio, in samples
	var final int64  // everything before it is written
	sample := 1
	for len(ops) >= 5 {
		op := ops[:5]
		ops = ops[5:]
		// An offset from 400 ms before to 200 ms after the newest audio,
		// in whole samples.
		at := latest + int64(binary.BigEndian.Uint16(op[1:3]))%4800 - 3200
		switch op[0] % 3 {
		case 2:
			r.Truncate(time.Duration(at) * time.Second / rate)
			m.assistant.clear(max(at, final))
			continue
		}
		n := 1 + int(binary.BigEndian.Uint16(op[3:5]))%400
		pcm := make([]int16, n)
		for i := range pcm {
			pcm[i] = int16(sample)
			sample = sample%30000 + 1
		}
		if op[0]%3 == 0 {
			r.Caller(time.Duration(at)*time.Second/rate, encode(in, pcm))
		} else {
			r.Assistant(time.Duration(at)*time.Second/rate, encode(in, pcm))
		}
		// The model: only the part at or after the written point lands,
		// and the written point moves before the frame is placed.
		end := at + int64(n)
		if end > latest {
			latest = end
			final = max(final, (latest-window)/chunk*chunk)
		}
		if at < final {
			pcm = pcm[min(final-at, int64(n)):]
			at = final
		}
		pcm = heard(e, pcm)
		if op[0]%3 == 0 {
			m.caller.put(at, pcm)
		} else {
			m.assistant.put(at, pcm)
		}
	}
	end := latest - 800 + int64(len(ops))*400
	tracks := closeRecorder(t, r, time.Duration(end)*time.Second/rate)
	total := max(end, final)
	m.caller.cut(max(end, final))
	m.assistant.cut(max(end, final))
	want := map[string][][]int16{
		KindUser:      {m.caller.get(total)},
		KindAssistant: {m.assistant.get(total)},
		KindMixed:     {m.caller.get(total), m.assistant.get(total)},
	}
	for kind, chans := range want {
		d := decodeTrack(t, tracks[kind])
		for c, w := range chans {
			got := d.channel(c)
			if len(got) != len(w) {
				t.Fatalf("%s: %d samples, want %d", kind, len(got), len(w))
			}
			for i := range w {
				if got[i] != w[i] {
					t.Fatalf("%s channel %d: sample %d = %d, want %d", kind, c, i, got[i], w[i])
				}
			}
		}
	}
}

// model is one direction of the call as the rules say it is recorded.
type modelTrack []int16

type model struct{ caller, assistant modelTrack }

func (m *modelTrack) put(at int64, pcm []int16) {
	if len(pcm) == 0 {
		return
	}
	if need := int(at) + len(pcm); need > len(*m) {
		*m = append(*m, make([]int16, need-len(*m))...)
	}
	copy((*m)[at:], pcm)
}

func (m *modelTrack) clear(from int64) {
	if from < int64(len(*m)) {
		clear((*m)[max(from, 0):])
	}
}

// cut drops audio at or after at (what Close finds pending past the end).
func (m *modelTrack) cut(at int64) { m.clear(at) }

func (m modelTrack) get(total int64) []int16 {
	out := make([]int16, total)
	copy(out, m)
	return out
}
