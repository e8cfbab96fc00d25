package call

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/voice"
)

// maxPhrases bounds the short phrases kept: acknowledgements and fillers
// of every voice in use, a few dozen each.
const maxPhrases = 20_000

// phraseCache keeps the audio of short phrases (acknowledgements, fillers)
// by voice, for every call of the node: a phrase is synthesised once per
// voice, not once per call.
type phraseCache struct {
	mu    sync.Mutex
	audio map[phraseKey][]byte
}

type phraseKey struct {
	voice  string // what the voice is: its synthesis settings and the audio format
	phrase string
}

// voiceKey names a voice: the synthesis settings that shape its audio.
func voiceKey(ts assistant.TTSSettings, f voice.Format) string {
	ts.BackgroundSound, ts.Pronunciation = assistant.BackgroundSound{}, nil
	b, _ := json.Marshal(struct {
		TTS    assistant.TTSSettings
		Format voice.Format
	}{ts, f}) // plain data: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func (c *phraseCache) get(k phraseKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.audio[k]
	return a, ok
}

// put keeps a phrase's audio; it is never changed afterwards.
func (c *phraseCache) put(k phraseKey, audio []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.audio == nil {
		c.audio = map[phraseKey][]byte{}
	}
	if len(c.audio) >= maxPhrases {
		for old := range c.audio { // any one goes: a miss only costs a synthesis
			delete(c.audio, old)
			break
		}
	}
	c.audio[k] = audio
}
