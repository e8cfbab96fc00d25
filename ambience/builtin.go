package ambience

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// The built-in ambiences are synthesized at first use, deterministically
// (fixed seeds), instead of shipped as files: nothing binary in the
// repository, and every one loops without a seam by construction. Their
// energy is kept mostly under 3.4 kHz, so they sound (and measure) the
// same on an 8 kHz telephone line as on a 16 kHz one.
const (
	builtinRate   = 16000
	builtinLength = 20 * time.Second
	builtinFade   = 500 * time.Millisecond // the crossfade that closes the loop
	// builtinLevel is the RMS every built-in is normalized to (-20 dBFS):
	// at the default volume of 0.3 the ambience sits about 10 dB under
	// typical TTS speech.
	builtinLevel = 32768 * 0.1
)

// generators synthesize one ambience into x (at builtinRate) with rng.
var generators = map[string]func(x []float64, rng *rand.Rand){
	"office":       office,
	"cafe":         cafe,
	"call-center":  callCenter,
	"city":         city,
	"forest":       forest,
	"crowded_room": crowdedRoom,
	"nature":       nature,
}

// Builtins lists the built-in ambience names, usable as storage keys.
func Builtins() []string {
	names := make([]string, 0, len(generators))
	for n := range generators {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var builtins sync.Map // name → func() *Sound (sync.OnceValue)

// Builtin returns a built-in ambience by name.
func Builtin(name string) (*Sound, bool) {
	gen, ok := generators[name]
	if !ok {
		return nil, false
	}
	once, _ := builtins.LoadOrStore(name, sync.OnceValue(func() *Sound { return synthesize(name, gen) }))
	return once.(func() *Sound)(), true
}

// synthesize renders a generator into a seamless, normalized loop.
func synthesize(name string, gen func([]float64, *rand.Rand)) *Sound {
	n := int(builtinLength.Seconds() * builtinRate)
	f := int(builtinFade.Seconds() * builtinRate)
	var seed uint64
	for _, c := range name {
		seed = seed*131 + uint64(c)
	}
	x := make([]float64, n+f)
	gen(x, rand.New(rand.NewPCG(seed, 0x5eed)))
	// Close the loop: the rendering's overhang fades out over its start,
	// equal-power since the two are uncorrelated, so sample n-1 runs on
	// into sample 0 as it ran into sample n.
	for i := range f {
		a := float64(i) / float64(f) * math.Pi / 2
		x[i] = x[i]*math.Sin(a) + x[n+i]*math.Cos(a)
	}
	x = x[:n]
	var e float64
	for _, v := range x {
		e += v * v
	}
	g := builtinLevel / math.Sqrt(e/float64(n))
	pcm := make([]int16, n)
	for i, v := range x {
		pcm[i] = int16(math.Round(max(min(v*g, 32767), -32768)))
	}
	return newSound(Info{Format: "builtin", SampleRate: builtinRate, Channels: 1}, builtinRate, pcm)
}

// onePole is a first-order low-pass filter with its corner at fc Hz.
type onePole struct{ a, y float64 }

func newOnePole(fc float64) *onePole {
	return &onePole{a: 1 - math.Exp(-2*math.Pi*fc/builtinRate)}
}

func (p *onePole) next(x float64) float64 { p.y += p.a * (x - p.y); return p.y }

// band is white noise band-limited to lo–hi Hz by two one-pole filters.
type band struct{ lo, hi *onePole }

func newBand(lo, hi float64) *band { return &band{newOnePole(lo), newOnePole(hi)} }

func (b *band) next(rng *rand.Rand) float64 {
	w := b.hi.next(rng.NormFloat64())
	return w - b.lo.next(w)
}

// office: ventilation rumble and bursts of distant typing.
func office(x []float64, rng *rand.Rand) {
	hum := newOnePole(120)
	for i := range x {
		x[i] = 3 * hum.next(rng.NormFloat64())
	}
	click := newBand(800, 3000)
	for t := 0.0; ; {
		t += 2 + 6*rng.Float64() // a typing burst now and then
		start := int(t * builtinRate)
		if start >= len(x) {
			break
		}
		at := start
		for range 4 + rng.IntN(12) { // keystrokes, 80–200 ms apart
			at += int((0.08 + 0.12*rng.Float64()) * builtinRate)
			event(x, at, 0.008, 0.15+0.15*rng.Float64(), func() float64 { return click.next(rng) })
		}
	}
}

// cafe: a murmur of voices and the clink of cups and cutlery.
func cafe(x []float64, rng *rand.Rand) {
	babble(x, rng, 6, 0.8, 1500)
	for t := 0.0; ; {
		t += 0.4 + 2.5*rng.Float64()
		at := int(t * builtinRate)
		if at >= len(x) {
			break
		}
		f := 1500 + 1700*rng.Float64() // under 3.4 kHz: telephone band
		k := 0
		event(x, at, 0.25, 0.25+0.35*rng.Float64(), func() float64 {
			k++
			return math.Sin(2 * math.Pi * f * float64(k) / builtinRate)
		})
	}
}

// callCenter: many voices close by over a quiet room tone.
func callCenter(x []float64, rng *rand.Rand) {
	room := newOnePole(200)
	for i := range x {
		x[i] = room.next(rng.NormFloat64())
	}
	babble(x, rng, 10, 1.2, 1500)
}

// city: the rumble of traffic, cars passing by, and now and then a horn.
func city(x []float64, rng *rand.Rand) {
	rumble := newOnePole(90)
	for i := range x {
		x[i] = 2.5 * rumble.next(rng.NormFloat64())
	}
	for t := 0.0; ; {
		t += 1.5 + 4*rng.Float64()
		at := int(t * builtinRate)
		if at >= len(x) {
			break
		}
		// a car passing: tyre noise swelling and fading over a few seconds
		d := int((2 + 2*rng.Float64()) * builtinRate)
		tyres := newBand(150, 900+600*rng.Float64())
		amp := 0.6 + 0.8*rng.Float64()
		for i := range min(d, len(x)-at) {
			w := math.Sin(math.Pi * float64(i) / float64(d))
			x[at+i] += amp * w * w * tyres.next(rng)
		}
		if rng.IntN(5) == 0 { // a horn: two notes a third apart, under 3.4 kHz
			f := 380 + 120*rng.Float64()
			k := 0
			event(x, at+d/3, 0.35, 0.12, func() float64 {
				k++
				p := 2 * math.Pi * float64(k) / builtinRate
				return math.Sin(p*f) + 0.6*math.Sin(p*f*1.26)
			})
		}
	}
}

// forest: wind in the leaves, rising and falling, and birds calling.
func forest(x []float64, rng *rand.Rand) {
	leaves := newBand(400, 2800)
	gust := newOnePole(0.3)
	for i := range x {
		g := 0.5 + math.Abs(gust.next(8*rng.NormFloat64()))
		x[i] = 1.2 * g * leaves.next(rng)
	}
	birds(x, rng, 0.6, 3)
}

// crowdedRoom: a packed room of voices, louder and denser than a cafe,
// with bursts of laughter.
func crowdedRoom(x []float64, rng *rand.Rand) {
	room := newOnePole(250)
	for i := range x {
		x[i] = 0.6 * room.next(rng.NormFloat64())
	}
	babble(x, rng, 24, 0.9, 1000)
	for t := 0.0; ; {
		t += 3 + 7*rng.Float64()
		at := int(t * builtinRate)
		if at >= len(x) {
			break
		}
		laugh := newBand(300, 1400)
		for j := range 3 + rng.IntN(4) { // "ha" bursts about 180 ms apart
			event(x, at+j*int(0.18*builtinRate), 0.05, 0.25, func() float64 { return laugh.next(rng) })
		}
	}
}

// nature: a stream running over stones, with birds and crickets.
func nature(x []float64, rng *rand.Rand) {
	water := newBand(250, 1500)
	ripple := newOnePole(12)
	for i := range x {
		r := 0.7 + math.Abs(ripple.next(6*rng.NormFloat64()))
		x[i] = r * water.next(rng)
	}
	birds(x, rng, 0.4, 5)
	// crickets: a steady chirp train around 3 kHz
	f := 2900 + 300*rng.Float64()
	for t := 0.0; ; {
		t += 0.8 + 0.6*rng.Float64()
		at := int(t * builtinRate)
		if at >= len(x) {
			break
		}
		for j := range 3 {
			k := 0
			event(x, at+j*int(0.05*builtinRate), 0.012, 0.05, func() float64 {
				k++
				return math.Sin(2 * math.Pi * f * float64(k) / builtinRate)
			})
		}
	}
}

// birds adds calls: short whistles sweeping between 1.8 and 3.3 kHz, in
// phrases every gap seconds or so.
func birds(x []float64, rng *rand.Rand, amp, gap float64) {
	for t := 0.0; ; {
		t += gap * (0.5 + rng.Float64())
		at := int(t * builtinRate)
		if at >= len(x) {
			break
		}
		for j := range 1 + rng.IntN(5) {
			f0, f1 := 1800+900*rng.Float64(), 2200+1100*rng.Float64()
			d := int((0.06 + 0.1*rng.Float64()) * builtinRate)
			start := at + j*int((0.12+0.1*rng.Float64())*builtinRate)
			phase := 0.0
			for i := range min(d, len(x)-start) {
				if start+i < 0 {
					continue
				}
				frac := float64(i) / float64(d)
				phase += 2 * math.Pi * (f0 + (f1-f0)*frac) / builtinRate
				x[start+i] += 6 * amp * math.Sin(math.Pi*frac) * math.Sin(phase)
			}
		}
	}
}

// babble adds voices: speech-band noise (up to top Hz and up to 1 kHz more)
// whose level follows a random syllable rhythm (about 4 a second) in
// phrases separated by pauses.
func babble(x []float64, rng *rand.Rand, voices int, level, top float64) {
	for range voices {
		b := newBand(250, top+1000*rng.Float64())
		env := newOnePole(8) // smooths syllables into a speech-like envelope
		gain := level * (0.4 + 0.6*rng.Float64())
		talking, until := rng.IntN(2) == 0, 0
		syllable, next := 0.0, 0
		for i := range x {
			if i >= until {
				talking = !talking
				until = i + int((0.5+2.5*rng.Float64())*builtinRate)
			}
			if i >= next {
				syllable = 0
				if talking {
					syllable = 0.3 + rng.Float64()
				}
				next = i + int((0.15+0.15*rng.Float64())*builtinRate)
			}
			x[i] += gain * env.next(syllable) * b.next(rng)
		}
	}
}

// event adds a sound from source starting at sample at, decaying
// exponentially with time constant tau seconds, at peak amplitude amp
// relative to the unit-variance beds. It may run into the overhang that
// closes the loop.
func event(x []float64, at int, tau, amp float64, source func() float64) {
	n := min(int(5*tau*builtinRate), len(x)-at)
	for i := range max(n, 0) {
		x[at+i] += 6 * amp * math.Exp(-float64(i)/(tau*builtinRate)) * source()
	}
}
