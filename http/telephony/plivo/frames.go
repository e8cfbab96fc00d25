package plivo

import (
	"fmt"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Start is what a Plivo stream's start message says.
type Start struct {
	CallID, StreamID, AccountID string
	Encoding                    string
	SampleRate                  int
}

type frame struct {
	event   []byte
	payload []byte
	track   []byte
	digit   []byte
	name    []byte // playedStream's checkpoint
	start   *Start
}

func scanFrame(sc *telephony.Scanner, msg []byte, f *frame) error {
	sc.Reset(msg)
	sc.Object(func(key []byte) {
		switch string(key) {
		case "event":
			f.event = sc.String()
		case "media":
			sc.Object(func(k []byte) {
				switch string(k) {
				case "payload":
					f.payload = sc.String()
				case "track":
					f.track = sc.String()
				default:
					sc.Skip()
				}
			})
		case "dtmf":
			if sc.Peek() == '"' { // the digit itself [unverified which form Plivo sends]
				f.digit = sc.String()
				return
			}
			f.digit = sc.StringField("digit")
		case "name":
			f.name = sc.String()
		case "start":
			if f.start == nil {
				sc.Skip()
				return
			}
			sc.Object(func(k []byte) {
				switch string(k) {
				case "callId":
					f.start.CallID = sc.Text()
				case "streamId":
					f.start.StreamID = sc.Text()
				case "accountId":
					f.start.AccountID = sc.Text()
				case "mediaFormat":
					sc.Object(func(k []byte) {
						switch string(k) {
						case "encoding":
							f.start.Encoding = sc.Text()
						case "sampleRate":
							f.start.SampleRate = int(sc.Int())
						default:
							sc.Skip()
						}
					})
				default:
					sc.Skip()
				}
			})
		default:
			sc.Skip()
		}
	})
	return sc.End()
}

// decoder turns Plivo stream messages into the stream's events.
type decoder struct{ sc telephony.Scanner }

// Decode implements telephony.Decoder.
func (d *decoder) Decode(mt int, msg []byte, in telephony.Receiver) error {
	if mt != websocket.TextMessage {
		return fmt.Errorf("%w: binary message", telephony.ErrMalformed)
	}
	var f frame
	if err := scanFrame(&d.sc, msg, &f); err != nil {
		return err
	}
	switch string(f.event) {
	case "media":
		if len(f.track) > 0 && string(f.track) != "inbound" {
			return nil
		}
		audio, err := telephony.DecodeBase64(f.payload)
		if err != nil {
			return err
		}
		if len(audio) > 0 {
			in.Audio(audio)
		}
	case "dtmf":
		if len(f.digit) != 1 {
			return fmt.Errorf("%w: dtmf digit %q", telephony.ErrMalformed, f.digit)
		}
		in.DTMF(string(f.digit))
	case "playedStream":
		if len(f.name) == 0 {
			return fmt.Errorf("%w: playedStream without a name", telephony.ErrMalformed)
		}
		in.Mark(string(f.name))
	case "stop":
		in.Stop()
	case "":
		return fmt.Errorf("%w: no event", telephony.ErrMalformed)
	}
	return nil // start again, clearedAudio, and events Plivo may add
}

// encoder writes the engine's messages for one stream.
type encoder struct{ sid []byte } // the JSON-quoted stream id

// Audio implements telephony.Encoder: playAudio, μ-law 8 kHz.
func (e *encoder) Audio(dst, frame []byte) ([]byte, int) {
	dst = append(dst, `{"event":"playAudio","media":{"contentType":"audio/x-mulaw","sampleRate":8000,"payload":"`...)
	return append(telephony.AppendBase64(dst, frame), `"}}`...), websocket.TextMessage
}

// Mark implements telephony.Encoder: a checkpoint, reported as playedStream.
func (e *encoder) Mark(dst []byte, name string) ([]byte, int) {
	dst = append(dst, `{"event":"checkpoint","streamId":`...)
	dst = append(dst, e.sid...)
	dst = append(dst, `,"name":`...)
	dst = telephony.AppendJSONString(dst, name)
	return append(dst, '}'), websocket.TextMessage
}

// Clear implements telephony.Encoder: clearAudio.
func (e *encoder) Clear(dst []byte) ([]byte, int) {
	dst = append(dst, `{"event":"clearAudio","streamId":`...)
	dst = append(dst, e.sid...)
	return append(dst, '}'), websocket.TextMessage
}
