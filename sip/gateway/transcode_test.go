package gateway

import (
	"testing"

	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/voice"
)

// Every G.711 code relayed between legs of different laws becomes the
// other law's level nearest its value.
func TestTranscodeIsNearestLevel(t *testing.T) {
	decode := map[voice.Encoding]func([]int16, []byte) []int16{voice.ULaw: codecs.DecodeUlaw, voice.ALaw: codecs.DecodeAlaw}
	for from, to := range map[voice.Encoding]voice.Encoding{voice.ULaw: voice.ALaw, voice.ALaw: voice.ULaw} {
		all := make([]byte, 256)
		for c := range all {
			all[c] = byte(c)
		}
		in := decode[from](nil, all)
		out := decode[to](nil, transcode(all, from))
		levels := decode[to](nil, all)
		for c := range all {
			got := abs(int(out[c]) - int(in[c]))
			for _, lv := range levels {
				if d := abs(int(lv) - int(in[c])); d < got {
					t.Fatalf("%v code %#x (%d) became %d, but %d is nearer", from, c, in[c], out[c], lv)
				}
			}
		}
	}
}

func abs(x int) int { return max(x, -x) }
