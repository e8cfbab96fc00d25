package telnyx

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/fasthttp/websocket"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Start is what a Telnyx stream's start message says.
type Start struct {
	StreamID, CallControlID, From, To, ClientState string
	Encoding                                       string
	SampleRate, Channels                           int
}

type frame struct {
	event   []byte
	payload []byte
	track   []byte
	chunk   []byte
	digit   []byte
	mark    []byte
	errText []byte
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
				case "chunk":
					f.chunk = scalar(sc)
				default:
					sc.Skip()
				}
			})
		case "dtmf":
			f.digit = sc.StringField("digit")
		case "mark":
			f.mark = sc.StringField("name")
		case "payload": // error frames
			f.errText = scalarOrObject(sc)
		case "stream_id":
			if f.start != nil {
				f.start.StreamID = sc.Text()
				return
			}
			sc.Skip()
		case "start":
			if f.start == nil {
				sc.Skip()
				return
			}
			scanStart(sc, f.start)
		default:
			sc.Skip()
		}
	})
	return sc.End()
}

// scalar reads a string or a number as its text.
func scalar(sc *telephony.Scanner) []byte {
	if b := sc.Peek(); b == '"' {
		return sc.String()
	}
	return strconv.AppendInt(nil, sc.Int(), 10)
}

// scalarOrObject keeps an error frame's payload short for the log.
func scalarOrObject(sc *telephony.Scanner) []byte {
	var detail []byte
	if sc.Peek() == '{' {
		sc.Object(func(k []byte) {
			if string(k) == "detail" || string(k) == "title" {
				detail = append(append(detail, sc.String()...), ' ')
			} else {
				sc.Skip()
			}
		})
		return detail
	}
	sc.Skip()
	return nil
}

func scanStart(sc *telephony.Scanner, st *Start) {
	sc.Object(func(k []byte) {
		switch string(k) {
		case "call_control_id":
			st.CallControlID = sc.Text()
		case "from":
			st.From = sc.Text()
		case "to":
			st.To = sc.Text()
		case "client_state":
			if sc.Peek() == 'n' {
				sc.Skip()
				return
			}
			st.ClientState = sc.Text()
		case "media_format":
			sc.Object(func(k []byte) {
				switch string(k) {
				case "encoding":
					st.Encoding = sc.Text()
				case "sample_rate":
					st.SampleRate = int(sc.Int())
				case "channels":
					st.Channels = int(sc.Int())
				default:
					sc.Skip()
				}
			})
		default:
			sc.Skip()
		}
	})
}

// decoder turns Telnyx stream messages into the stream's events, putting
// media back in order (Telnyx does not guarantee it).
type decoder struct {
	sc  telephony.Scanner
	ord reorder
	log *slog.Logger
}

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
		chunk := int64(-1)
		if len(f.chunk) > 0 {
			c, err := strconv.ParseInt(string(f.chunk), 10, 64)
			if err != nil || c < 0 {
				return fmt.Errorf("%w: chunk %q", telephony.ErrMalformed, f.chunk)
			}
			chunk = c
		}
		d.ord.add(chunk, audio, in.Audio)
	case "dtmf":
		if len(f.digit) != 1 {
			return fmt.Errorf("%w: dtmf digit %q", telephony.ErrMalformed, f.digit)
		}
		in.DTMF(string(f.digit))
	case "mark":
		if len(f.mark) == 0 {
			return fmt.Errorf("%w: mark without a name", telephony.ErrMalformed)
		}
		in.Mark(string(f.mark))
	case "error":
		d.log.Warn("Telnyx stream error", "detail", string(f.errText))
	case "stop":
		d.ord.flush(in.Audio)
		in.Stop()
	case "":
		return fmt.Errorf("%w: no event", telephony.ErrMalformed)
	}
	return nil
}

// maxHeld is how many frames may wait for a missing one: 80 ms of delay at
// most, then the gap is given up on.
const maxHeld = 4

// reorder delivers media in chunk order: an early frame waits for the
// ones before it, a late one (already given up on) is dropped.
type reorder struct {
	next int64 // the chunk expected, 0 before the first
	held map[int64][]byte
}

func (r *reorder) add(chunk int64, audio []byte, deliver func([]byte)) {
	switch {
	case chunk < 0: // no chunk numbers: as it comes
		deliver(audio)
		return
	case r.next == 0:
		r.next = chunk
	case chunk < r.next:
		return // late
	}
	if chunk != r.next {
		if r.held == nil {
			r.held = map[int64][]byte{}
		}
		r.held[chunk] = audio
		if len(r.held) > maxHeld {
			r.skip(deliver)
		}
		return
	}
	deliver(audio)
	r.next++
	r.drain(deliver)
}

// drain delivers held frames that are now in order.
func (r *reorder) drain(deliver func([]byte)) {
	for {
		a, ok := r.held[r.next]
		if !ok {
			return
		}
		delete(r.held, r.next)
		deliver(a)
		r.next++
	}
}

// skip gives up on the missing frame: on to the earliest held one.
func (r *reorder) skip(deliver func([]byte)) {
	low := int64(-1)
	for c := range r.held {
		if low < 0 || c < low {
			low = c
		}
	}
	r.next = low
	r.drain(deliver)
}

func (r *reorder) flush(deliver func([]byte)) {
	for len(r.held) > 0 {
		r.skip(deliver)
	}
}

// encoder writes the engine's messages (no stream id needed).
type encoder struct{}

// Audio implements telephony.Encoder.
func (encoder) Audio(dst, frame []byte) ([]byte, int) {
	dst = append(dst, `{"event":"media","media":{"payload":"`...)
	return append(telephony.AppendBase64(dst, frame), `"}}`...), websocket.TextMessage
}

// Mark implements telephony.Encoder.
func (encoder) Mark(dst []byte, name string) ([]byte, int) {
	dst = append(dst, `{"event":"mark","mark":{"name":`...)
	dst = telephony.AppendJSONString(dst, name)
	return append(dst, `}}`...), websocket.TextMessage
}

// Clear implements telephony.Encoder.
func (encoder) Clear(dst []byte) ([]byte, int) {
	return append(dst, `{"event":"clear"}`...), websocket.TextMessage
}
