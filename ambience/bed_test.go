package ambience

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// The ambience is mixed at the set volume: a 300 Hz tone as the sound and a
// 1 kHz tone as the voice; in the output the 300 Hz component has volume ×
// its amplitude and the voice is intact, within 0.5 dB, in μ-law 8 kHz and
// PCM16 16 kHz. Between replies (Next), the ambience alone has its RMS at
// the set volume.
func TestBedLevel(t *testing.T) {
	const amp = 10000
	sound := load(t, wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: 44100, Channels: 1}, tone(44100*2, 44100, 300, amp)))
	for _, f := range formats {
		for _, volume := range []float64{0.05, 0.3, 1} {
			t.Run(fmt.Sprintf("%s/%v", f, volume), func(t *testing.T) {
				bed, err := NewBed(sound, volume, true, f)
				if err != nil {
					t.Fatal(err)
				}
				n := codecs.FrameSamples(f.SampleRate)
				voiceAmp := 8000.0
				speech := tone(n*100, f.SampleRate, 1000, voiceAmp)
				var out []byte
				for i := range 100 {
					frame := encodeFormat(f, speech[i*n:(i+1)*n])
					out = append(out, bed.Mix(frame)...)
				}
				mixed := decodeFrames(t, f, out)
				if d := db(amplitude(mixed, f.SampleRate, 300) / (volume * amp)); math.Abs(d) > 0.5 {
					t.Errorf("ambience under speech is %+.2f dB off the volume", d)
				}
				if d := db(amplitude(mixed, f.SampleRate, 1000) / voiceAmp); math.Abs(d) > 0.5 {
					t.Errorf("speech changed by %+.2f dB", d)
				}
				var alone []byte
				for range 100 {
					alone = bed.Next(alone)
				}
				want := volume * amp / math.Sqrt2
				if d := db(codecs.RMS(decodeFrames(t, f, alone)) / want); math.Abs(d) > 0.5 {
					t.Errorf("ambience alone is %+.2f dB off the volume", d)
				}
			})
		}
	}
}

func encodeFormat(f voice.Format, pcm []int16) []byte {
	if f.Encoding == voice.ULaw {
		return codecs.EncodeUlaw(nil, pcm)
	}
	return codecs.EncodePCM16LE(nil, pcm)
}

// A looping sound repeats sample for sample: no gap, no repeat, no skip at
// the joint, whether frames come from Next or Mix (of silence), and
// wherever the joint falls in a frame.
func TestBedLoopSeamless(t *testing.T) {
	const rate = 16000
	n := rate/2 + 37 // not a whole number of frames
	src := make([]int16, n)
	for i := range src {
		src[i] = int16(i%20000 - 10000)
	}
	bed, err := NewBed(load(t, wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingPCM16, SampleRate: rate, Channels: 1}, src)), 1, true, pcm16k)
	if err != nil {
		t.Fatal(err)
	}
	silence := pcm16k.Silence()
	var out []int16
	for i := range 3 * n / 320 {
		var frame []byte
		if i%3 == 0 {
			frame = bed.Mix(bytes.Clone(silence))
		} else {
			frame = bed.Next(nil)
		}
		out = append(out, decodeFrames(t, pcm16k, frame)...)
	}
	for i, v := range out {
		if v != src[i%n] {
			t.Fatalf("sample %d = %d, want %d (sample %d of the loop)", i, v, src[i%n], i%n)
		}
	}
	if bed.Ended() {
		t.Fatal("a looping bed ended")
	}
}

// A PCM16 frame at an odd address cannot be viewed in place; it is decoded
// and encoded instead, with the same result.
func TestBedMixUnalignedPCM16(t *testing.T) {
	sound, _ := Builtin("cafe")
	aligned, _ := NewBed(sound, 0.5, true, pcm16k)
	unaligned, _ := NewBed(sound, 0.5, true, pcm16k)
	speech := encodeFormat(pcm16k, tone(320, 16000, 440, 8000))
	buf := make([]byte, len(speech)+1)
	for range 10 {
		a := aligned.Mix(bytes.Clone(speech))
		u := buf[1:]
		copy(u, speech)
		if got := unaligned.Mix(u); !bytes.Equal(got, a) {
			t.Fatal("an unaligned frame mixes differently")
		}
	}
}

func TestBedWithoutLoopEnds(t *testing.T) {
	sound := load(t, wavFile(t, codecs.WAVFormat{Encoding: codecs.EncodingUlaw, SampleRate: 8000, Channels: 1}, tone(8000*6/10, 8000, 300, 8000)))
	bed, err := NewBed(sound, 0.5, false, ulaw8k)
	if err != nil {
		t.Fatal(err)
	}
	var played []byte
	for range 30 { // 0.6 s
		played = bed.Next(played)
	}
	if !bed.Ended() {
		t.Fatal("not ended after the whole sound")
	}
	if rms := codecs.RMS(decodeFrames(t, ulaw8k, played[len(played)-800:])); rms < 1000 {
		t.Fatalf("the end of the sound is silent (RMS %.0f)", rms)
	}
	after := bed.Next(nil)
	if !bytes.Equal(after, ulaw8k.Silence()) {
		t.Fatal("Next after the end is not silence")
	}
	frame := encodeFormat(ulaw8k, tone(160, 8000, 1000, 8000))
	if got := bed.Mix(bytes.Clone(frame)); !bytes.Equal(got, frame) {
		t.Fatal("Mix after the end changed the voice")
	}
}

func TestBedZeroAllocations(t *testing.T) {
	sound, _ := Builtin("office")
	for _, f := range formats {
		bed, err := NewBed(sound, 0.3, true, f)
		if err != nil {
			t.Fatal(err)
		}
		frame := f.Silence()
		dst := make([]byte, 0, f.FrameBytes())
		if a := testing.AllocsPerRun(500, func() { bed.Mix(frame) }); a != 0 {
			t.Errorf("%s: Mix allocates %v times", f, a)
		}
		if a := testing.AllocsPerRun(500, func() { dst = bed.Next(dst[:0]) }); a != 0 {
			t.Errorf("%s: Next allocates %v times", f, a)
		}
	}
}

func TestNewBedRejects(t *testing.T) {
	sound, _ := Builtin("cafe")
	for _, c := range []struct {
		volume float64
		f      voice.Format
	}{{-0.1, ulaw8k}, {1.5, ulaw8k}, {math.NaN(), ulaw8k}, {0.3, voice.Format{Encoding: voice.ULaw, SampleRate: 11025}}, {0.3, voice.Format{SampleRate: 8000}}} {
		if _, err := NewBed(sound, c.volume, true, c.f); err == nil {
			t.Errorf("volume %v format %s accepted", c.volume, c.f)
		}
	}
}

func TestBuiltins(t *testing.T) {
	if got := fmt.Sprint(Builtins()); got != "[cafe call-center city crowded_room forest nature office]" {
		t.Fatalf("Builtins() = %s", got)
	}
	for _, name := range Builtins() {
		s, ok := Builtin(name)
		if !ok {
			t.Fatal(name)
		}
		if again, _ := Builtin(name); again != s {
			t.Errorf("%s synthesized twice", name)
		}
		if again := synthesize(name, generators[name]); !equal(again.pcm, s.pcm) {
			t.Errorf("%s: synthesis is not deterministic", name)
		}
		if d := codecs.DBFS(s.pcm); math.Abs(d+20) > 0.5 {
			t.Errorf("%s: %.2f dBFS, want -20", name, d)
		}
		if s.Info().Duration != builtinLength {
			t.Errorf("%s lasts %v", name, s.Info().Duration)
		}
		// Seamless: the step from the last sample to the first is no larger
		// than the steps inside the sound.
		var steepest int
		for i := 1; i < len(s.pcm); i++ {
			steepest = max(steepest, abs(int(s.pcm[i])-int(s.pcm[i-1])))
		}
		if seam := abs(int(s.pcm[0]) - int(s.pcm[len(s.pcm)-1])); seam > steepest {
			t.Errorf("%s: step %d at the loop joint, steepest inside %d", name, seam, steepest)
		}
		// Every carrier rate gets it at the same level (the beds hold no
		// energy above 4 kHz worth speaking of).
		for _, f := range formats {
			pcm, err := s.at(f.SampleRate)
			if err != nil {
				t.Fatal(err)
			}
			if d := codecs.DBFS(pcm) + 20; math.Abs(d) > 1.5 {
				t.Errorf("%s at %d Hz: %+.2f dB from -20 dBFS", name, f.SampleRate, d)
			}
		}
	}
	if _, ok := Builtin("jungle"); ok {
		t.Fatal("unknown built-in found")
	}
}

func equal(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func abs(x int) int { return max(x, -x) }
