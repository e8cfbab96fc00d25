package siptest

import (
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
)

// cutFrames of silence after the assistant's speech mean it stopped:
// fakespeech leaves 80 ms between words, so 200 ms is no word gap.
const cutFrames = 10

// cutWatch tells the phone when the assistant's audio stopped, RTP's
// only sign of a barge-in (the engine sends silence where a websocket
// carrier gets a clear message). It runs on the RTP reader alone.
type cutWatch struct {
	spoke    bool // speech arrived since the last cut
	silent   int  // silent frames since the last speech
	silentAt time.Time
}

func (w *cutWatch) frame(p *phone.Phone, payload []byte) {
	if !fakespeech.IsSilence(payload) {
		w.spoke, w.silent = true, 0
		return
	}
	if !w.spoke {
		return
	}
	if w.silent++; w.silent == 1 {
		w.silentAt = time.Now()
	}
	if w.silent == cutFrames {
		p.Cut(w.silentAt)
		w.spoke = false
	}
}
