package codecs

import (
	"fmt"
	"math"
	"time"
)

// VADEvent is what VAD.Process reports for a frame.
type VADEvent int

const (
	// VADNone means no change.
	VADNone VADEvent = iota
	// VADSpeechStart means speech has lasted MinSpeech; it began MinSpeech
	// (plus up to one frame) before the end of this frame.
	VADSpeechStart
	// VADSpeechEnd means non-speech has lasted Hangover.
	VADSpeechEnd
)

func (e VADEvent) String() string {
	switch e {
	case VADNone:
		return "none"
	case VADSpeechStart:
		return "speech-start"
	case VADSpeechEnd:
		return "speech-end"
	}
	return fmt.Sprintf("VADEvent(%d)", int(e))
}

// VADConfig tunes a VAD. A frame counts as speech when it is loud enough, in
// absolute terms and above the background, and not noise-like.
type VADConfig struct {
	SampleRate int
	// ThresholdDBFS is the level (RMS, dBFS) below which nothing is speech.
	ThresholdDBFS float64
	// NoiseMarginDB is how far above the tracked noise floor speech must be.
	// The floor is the quietest frame of the last 1.5 s, so steady
	// background noise (hum, traffic, fans) stops counting as speech within
	// that time.
	NoiseMarginDB float64
	// MaxZeroCrossingRate, in sign changes per sample, rejects broadband
	// noise (white noise is about 0.5; voiced speech stays below 0.2).
	MaxZeroCrossingRate float64
	// MinSpeech is how long speech must last before VADSpeechStart, so
	// clicks and short bursts are ignored.
	MinSpeech time.Duration
	// Hangover is how long non-speech must last before VADSpeechEnd, so
	// pauses between words do not end an utterance.
	Hangover time.Duration
}

// DefaultVADConfig returns thresholds tuned for telephone speech at rate.
func DefaultVADConfig(rate int) VADConfig {
	return VADConfig{
		SampleRate:          rate,
		ThresholdDBFS:       -50,
		NoiseMarginDB:       12,
		MaxZeroCrossingRate: 0.35,
		MinSpeech:           60 * time.Millisecond,
		Hangover:            400 * time.Millisecond,
	}
}

// noiseWindows × noiseWindow is the noise floor's memory (minimum
// statistics: the minimum over the last few sub-windows).
const (
	noiseWindows = 3
	noiseWindow  = 500 * time.Millisecond
)

// VAD is an energy and zero-crossing voice activity detector with attack and
// hangover, for carriers and providers that report no speech events. Feed it
// consecutive frames (10–30 ms each) of one stream. It does not allocate and
// is not safe for concurrent use.
type VAD struct {
	cfg        VADConfig
	minSpeech  int // samples
	hangover   int // samples
	window     int // samples per noise sub-window
	speaking   bool
	speechRun  int // samples of consecutive speech frames while silent
	silenceRun int // samples of consecutive non-speech frames while speaking

	mins     [noiseWindows]float64 // quietest frame (dBFS) of past sub-windows
	curMin   float64               // quietest frame of the current sub-window
	curLen   int                   // samples in the current sub-window
	minsNext int                   // ring index
}

// NewVAD returns a VAD for cfg.
func NewVAD(cfg VADConfig) (*VAD, error) {
	if cfg.SampleRate <= 0 || cfg.NoiseMarginDB < 0 || cfg.MaxZeroCrossingRate <= 0 || cfg.MinSpeech < 0 || cfg.Hangover < 0 {
		return nil, fmt.Errorf("%w: VAD config %+v", ErrInvalidConfig, cfg)
	}
	samples := func(d time.Duration) int { return int(int64(d) * int64(cfg.SampleRate) / int64(time.Second)) }
	v := &VAD{cfg: cfg, minSpeech: samples(cfg.MinSpeech), hangover: samples(cfg.Hangover), window: samples(noiseWindow)}
	v.Reset()
	return v, nil
}

// Speaking reports whether the stream is inside an utterance.
func (v *VAD) Speaking() bool { return v.speaking }

// Reset forgets the stream: not speaking, noise floor unknown.
func (v *VAD) Reset() {
	v.speaking, v.speechRun, v.silenceRun = false, 0, 0
	// Until real minima exist, assume a quiet line so speech right at the
	// start of a call is not mistaken for the background.
	prior := v.cfg.ThresholdDBFS - v.cfg.NoiseMarginDB
	for i := range v.mins {
		v.mins[i] = prior
	}
	v.curMin, v.curLen, v.minsNext = math.Inf(1), 0, 0
}

// Process classifies the next frame and reports a state change, if any.
func (v *VAD) Process(frame []int16) VADEvent {
	if len(frame) == 0 {
		return VADNone
	}
	level := DBFS(frame)
	floor := v.trackNoise(level, len(frame))
	speech := level >= v.cfg.ThresholdDBFS && level >= floor+v.cfg.NoiseMarginDB &&
		zeroCrossingRate(frame) <= v.cfg.MaxZeroCrossingRate

	switch {
	case !v.speaking && speech:
		if v.speechRun += len(frame); v.speechRun >= v.minSpeech {
			v.speaking, v.silenceRun = true, 0
			return VADSpeechStart
		}
	case !v.speaking:
		v.speechRun = 0
	case speech:
		v.silenceRun = 0
	default:
		if v.silenceRun += len(frame); v.silenceRun >= v.hangover {
			v.speaking, v.speechRun = false, 0
			return VADSpeechEnd
		}
	}
	return VADNone
}

// trackNoise folds a frame level into the minimum statistics and returns the
// noise floor: the quietest frame over the current and past sub-windows.
func (v *VAD) trackNoise(level float64, n int) float64 {
	v.curMin = min(v.curMin, level)
	if v.curLen += n; v.curLen >= v.window {
		v.mins[v.minsNext] = v.curMin
		v.minsNext = (v.minsNext + 1) % noiseWindows
		v.curMin, v.curLen = math.Inf(1), 0
	}
	floor := v.curMin
	for _, m := range v.mins {
		floor = min(floor, m)
	}
	return floor
}

// zeroCrossingRate is the fraction of adjacent sample pairs whose signs
// differ; zeros take the sign of the sample before them.
func zeroCrossingRate(frame []int16) float64 {
	if len(frame) < 2 {
		return 0
	}
	crossings := 0
	prev := frame[0] < 0
	for _, s := range frame[1:] {
		if s == 0 {
			continue
		}
		if neg := s < 0; neg != prev {
			crossings++
			prev = neg
		}
	}
	return float64(crossings) / float64(len(frame)-1)
}
