package deepgram

// msgType is a server message's "type".
type msgType uint8

const (
	msgUnknown msgType = iota
	// v1
	msgResults
	msgUtteranceEnd
	msgSpeechStarted
	msgMetadata
	// Flux
	msgConnected
	msgTurnInfo
	msgConfigureSuccess
	msgConfigureFailure
	// both (v1 sends it in some failure cases, Flux documents it)
	msgError
)

// fluxEvent is a TurnInfo "event".
type fluxEvent uint8

const (
	eventUnknown fluxEvent = iota
	eventUpdate
	eventStartOfTurn
	eventEagerEndOfTurn
	eventTurnResumed
	eventEndOfTurn
)

// wireWord is a word as either API reports it; times in seconds from the
// start of the connection's audio.
type wireWord struct {
	word, punctuated       string
	start, end, confidence float64
}

// v1Message is one /v1/listen server message. Only the first alternative of
// a Results is kept: the engine asks for one.
type v1Message struct {
	typ                  msgType
	isFinal, speechFinal bool
	fromFinalize         bool
	start, duration      float64
	transcript           string
	confidence           float64
	words                []wireWord
	lastWordEnd          float64 // UtteranceEnd
	timestamp            float64 // SpeechStarted
	errCode, description string  // Error
}

// fluxMessage is one /v2/listen server message.
type fluxMessage struct {
	typ                    msgType
	event                  fluxEvent
	windowStart, windowEnd float64
	transcript             string
	eotConfidence          float64
	words                  []wireWord
	errCode, description   string
}

func (d *decoder) msgType() (msgType, error) {
	k, err := d.enum()
	switch string(k) {
	case "Results":
		return msgResults, err
	case "UtteranceEnd":
		return msgUtteranceEnd, err
	case "SpeechStarted":
		return msgSpeechStarted, err
	case "Metadata":
		return msgMetadata, err
	case "Connected":
		return msgConnected, err
	case "TurnInfo":
		return msgTurnInfo, err
	case "ConfigureSuccess":
		return msgConfigureSuccess, err
	case "ConfigureFailure":
		return msgConfigureFailure, err
	case "Error":
		return msgError, err
	}
	return msgUnknown, err
}

func (d *decoder) fluxEvent() (fluxEvent, error) {
	k, err := d.enum()
	switch string(k) {
	case "Update":
		return eventUpdate, err
	case "StartOfTurn":
		return eventStartOfTurn, err
	case "EagerEndOfTurn":
		return eventEagerEndOfTurn, err
	case "TurnResumed":
		return eventTurnResumed, err
	case "EndOfTurn":
		return eventEndOfTurn, err
	}
	return eventUnknown, err
}

// enum reads a string compared against known names: unescaped in place
// when possible, never allocated.
func (d *decoder) enum() ([]byte, error) {
	if d.peek() != '"' {
		return nil, ErrMalformed
	}
	return d.key()
}

// parse reads a v1 message, reusing m's word storage.
func (m *v1Message) parse(d *decoder, data []byte) error {
	*m = v1Message{words: m.words[:0]}
	d.reset(data)
	err := d.object(func(k []byte) (err error) {
		switch string(k) {
		case "type":
			m.typ, err = d.msgType()
		case "is_final":
			m.isFinal, err = d.boolean()
		case "speech_final":
			m.speechFinal, err = d.boolean()
		case "from_finalize":
			m.fromFinalize, err = d.boolean()
		case "start":
			m.start, err = d.float()
		case "duration":
			m.duration, err = d.float()
		case "last_word_end":
			m.lastWordEnd, err = d.float()
		case "timestamp":
			m.timestamp, err = d.float()
		case "channel":
			// Results carry an object; UtteranceEnd and SpeechStarted an
			// array of channel numbers
			if d.peek() == '{' {
				return m.channel(d)
			}
			return d.skip()
		case "err_code":
			m.errCode, err = d.str()
		case "description", "err_msg":
			m.description, err = d.str()
		default:
			return d.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	return d.end()
}

func (m *v1Message) channel(d *decoder) error {
	return d.object(func(k []byte) error {
		if string(k) != "alternatives" {
			return d.skip()
		}
		return d.array(func(i int) error {
			if i > 0 {
				return d.skip()
			}
			return d.object(func(k []byte) (err error) {
				switch string(k) {
				case "transcript":
					m.transcript, err = d.str()
				case "confidence":
					m.confidence, err = d.float()
				case "words":
					m.words, err = d.words(m.words[:0])
				default:
					return d.skip()
				}
				return err
			})
		})
	})
}

// words reads an array of words into dst.
func (d *decoder) words(dst []wireWord) ([]wireWord, error) {
	err := d.array(func(int) error {
		var w wireWord
		err := d.object(func(k []byte) (err error) {
			switch string(k) {
			case "word":
				w.word, err = d.str()
			case "punctuated_word":
				w.punctuated, err = d.str()
			case "start":
				w.start, err = d.float()
			case "end":
				w.end, err = d.float()
			case "confidence":
				w.confidence, err = d.float()
			default:
				return d.skip()
			}
			return err
		})
		dst = append(dst, w)
		return err
	})
	return dst, err
}

// parse reads a Flux message, reusing m's word storage.
func (m *fluxMessage) parse(d *decoder, data []byte) error {
	*m = fluxMessage{words: m.words[:0]}
	d.reset(data)
	err := d.object(func(k []byte) (err error) {
		switch string(k) {
		case "type":
			m.typ, err = d.msgType()
		case "event":
			m.event, err = d.fluxEvent()
		case "audio_window_start":
			m.windowStart, err = d.float()
		case "audio_window_end":
			m.windowEnd, err = d.float()
		case "transcript":
			m.transcript, err = d.str()
		case "end_of_turn_confidence":
			m.eotConfidence, err = d.float()
		case "words":
			m.words, err = d.words(m.words[:0])
		case "code":
			m.errCode, err = d.str()
		case "description":
			m.description, err = d.str()
		default:
			return d.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	return d.end()
}
