package elevenlabsfake

import (
	"strconv"
	"strings"

	"github.com/switchboard-voice/switchboard/voice"
)

var pcmRates = map[int]bool{8000: true, 16000: true, 22050: true, 24000: true, 44100: true, 48000: true}

// parseFormat reads an output_format the fake can produce: ulaw_8000, or
// pcm_ at one of the service's rates.
func parseFormat(name string) (voice.Format, bool) {
	if name == "ulaw_8000" {
		return voice.Telephony, true
	}
	r, err := strconv.Atoi(strings.TrimPrefix(name, "pcm_"))
	if !strings.HasPrefix(name, "pcm_") || err != nil || !pcmRates[r] {
		return voice.Format{}, false
	}
	return voice.Format{Encoding: voice.PCM16, SampleRate: r}, true
}
