package ambience

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/codecs"
)

// Info describes a sound as uploaded.
type Info struct {
	Format     string // "wav", "mp3" or "builtin"
	SampleRate int    // of the file
	Channels   int    // of the file; the Sound itself is mono
	Duration   time.Duration
	Size       int // bytes of the file
}

// Sound is a decoded mono sound, immutable and safe to share between calls.
type Sound struct {
	info Info
	rate int
	pcm  []int16 // mono at rate

	mu     sync.Mutex
	byRate map[int][]int16 // pcm resampled, per carrier rate
}

func newSound(info Info, rate int, pcm []int16) *Sound {
	info.Duration = time.Duration(len(pcm)) * time.Second / time.Duration(rate)
	return &Sound{info: info, rate: rate, pcm: pcm, byRate: map[int][]int16{rate: pcm}}
}

// Info describes the sound.
func (s *Sound) Info() Info { return s.info }

// at returns the sound at rate, resampling it on first use.
func (s *Sound) at(rate int) ([]int16, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pcm, ok := s.byRate[rate]; ok {
		return pcm, nil
	}
	pcm, err := resampleLoop(s.pcm, s.rate, rate)
	if err != nil {
		return nil, err
	}
	s.byRate[rate] = pcm
	return pcm, nil
}

// bytes is roughly the memory the sound holds.
func (s *Sound) bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, pcm := range s.byRate {
		n += 2 * int64(len(pcm))
	}
	return n
}

// resampleLoop converts a whole sound between rates as a loop: the filter
// sees the sound's end before its start and its start after its end, so a
// looped sound has no click at the joint. (A sound played once differs
// only in its first and last few milliseconds, where the filter reaches
// across the joint.)
func resampleLoop(pcm []int16, in, out int) ([]int16, error) {
	rs, err := codecs.NewResampler(in, out)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	// 20 ms of context on each side: more than any filter's delay (under
	// 5 ms), and a whole number of samples at every rate.
	k := codecs.FrameSamples(in)
	y := make([]int16, 0, (len(pcm)+2*k)*out/in+2*codecs.FrameSamples(out))
	y = rs.Process(y, wrapped(pcm, len(pcm)-k, k))
	y = rs.Process(y, pcm)
	y = rs.Process(y, wrapped(pcm, 0, k))
	y = rs.Flush(y)
	skip := int(math.Round(rs.Delay().Seconds()*float64(out))) + codecs.FrameSamples(out)
	n := int(math.Round(float64(len(pcm)) * float64(out) / float64(in)))
	return y[skip : skip+n], nil
}

// wrapped returns n samples of the loop pcm starting at from (mod len).
func wrapped(pcm []int16, from, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = pcm[((from+i)%len(pcm)+len(pcm))%len(pcm)]
	}
	return out
}
