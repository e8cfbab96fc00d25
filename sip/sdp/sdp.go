package sdp

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Static payload types of G.711 (RFC 3551).
const (
	PayloadPCMU = 0
	PayloadPCMA = 8
)

// Direction is a stream's a=sendrecv/sendonly/recvonly/inactive, from the
// side of whoever wrote the description.
type Direction uint8

// Directions.
const (
	SendRecv Direction = iota
	SendOnly
	RecvOnly
	Inactive
)

func (d Direction) String() string {
	switch d {
	case SendOnly:
		return "sendonly"
	case RecvOnly:
		return "recvonly"
	case Inactive:
		return "inactive"
	}
	return "sendrecv"
}

// Sends reports whether the description's writer sends media.
func (d Direction) Sends() bool { return d == SendRecv || d == SendOnly }

// Receives reports whether the description's writer takes media.
func (d Direction) Receives() bool { return d == SendRecv || d == RecvOnly }

// Reverse is the answer's direction to an offer's.
func (d Direction) Reverse() Direction {
	switch d {
	case SendOnly:
		return RecvOnly
	case RecvOnly:
		return SendOnly
	}
	return d
}

// Errors of a description that cannot be answered.
var (
	ErrMalformed = errors.New("sdp: malformed description")
	ErrNoAudio   = errors.New("sdp: no audio stream")
	ErrNoCodec   = errors.New("sdp: no common codec (PCMU or PCMA at 8 kHz)")
)

// maxSize bounds a description: a voice offer is a few hundred bytes.
const maxSize = 16 << 10

// Offer is what the answer needs from a description's first audio stream.
type Offer struct {
	SessionID  uint64
	Addr       netip.Addr // where to send RTP (the media's c= or the session's)
	Port       int        // 0: the stream is refused (hold by port is not used)
	Payloads   []uint8    // in order of preference
	Codecs     map[uint8]string
	EventType  int // the telephone-event payload type, -1 when not offered
	Direction  Direction
	PacketTime int // a=ptime in ms, 0 when absent
}

// Parse reads an offer (or an answer, for the test callers).
func Parse(body []byte) (*Offer, error) {
	if len(body) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(body))
	}
	o := &Offer{Codecs: map[uint8]string{}, EventType: -1}
	var session netip.Addr
	var media, audio bool
	var haveAudio bool
	sessionDir, mediaDir := SendRecv, -1
	lines := strings.Split(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "v=") {
		return nil, fmt.Errorf("%w: does not start with v=", ErrMalformed)
	}
	for i, line := range lines {
		if line == "" {
			continue
		}
		if len(line) < 2 || line[1] != '=' {
			return nil, fmt.Errorf("%w: line %d is not type=value", ErrMalformed, i+1)
		}
		typ, val := line[0], line[2:]
		switch typ {
		case 'o':
			f := strings.Fields(val)
			if len(f) != 6 {
				return nil, fmt.Errorf("%w: o= has %d fields", ErrMalformed, len(f))
			}
			o.SessionID, _ = strconv.ParseUint(f[1], 10, 64)
		case 'c':
			a, err := connection(val)
			if err != nil {
				return nil, err
			}
			switch {
			case !media:
				session = a
			case audio:
				o.Addr = a
			}
		case 'm':
			media = true
			if haveAudio { // only the first audio stream is used
				audio = false
				continue
			}
			f := strings.Fields(val)
			if len(f) < 4 {
				return nil, fmt.Errorf("%w: m= has %d fields", ErrMalformed, len(f))
			}
			audio = f[0] == "audio" && f[2] == "RTP/AVP"
			if !audio {
				continue
			}
			haveAudio = true
			port, err := strconv.Atoi(f[1])
			if err != nil || port < 0 || port > 65535 {
				return nil, fmt.Errorf("%w: m= port %q", ErrMalformed, f[1])
			}
			o.Port = port
			for _, p := range f[3:] {
				pt, err := strconv.Atoi(p)
				if err != nil || pt < 0 || pt > 127 {
					return nil, fmt.Errorf("%w: m= payload type %q", ErrMalformed, p)
				}
				o.Payloads = append(o.Payloads, uint8(pt))
			}
		case 'a':
			if media && !audio {
				continue
			}
			name, value, _ := strings.Cut(val, ":")
			switch name {
			case "rtpmap":
				if !media {
					continue
				}
				pt, enc, ok := strings.Cut(value, " ")
				n, err := strconv.Atoi(pt)
				if !ok || err != nil || n < 0 || n > 127 {
					return nil, fmt.Errorf("%w: a=rtpmap %q", ErrMalformed, value)
				}
				o.Codecs[uint8(n)] = strings.ToLower(strings.TrimSpace(enc))
			case "ptime":
				if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil && n > 0 && n <= 1000 {
					o.PacketTime = n
				}
			case "sendrecv", "sendonly", "recvonly", "inactive":
				d := map[string]Direction{"sendrecv": SendRecv, "sendonly": SendOnly, "recvonly": RecvOnly, "inactive": Inactive}[name]
				if media {
					mediaDir = int(d)
				} else {
					sessionDir = d
				}
			}
		}
	}
	if !haveAudio {
		return nil, ErrNoAudio
	}
	if !o.Addr.IsValid() {
		o.Addr = session
	}
	if !o.Addr.IsValid() && o.Port != 0 {
		return nil, fmt.Errorf("%w: no connection address", ErrMalformed)
	}
	o.Direction = sessionDir
	if mediaDir >= 0 {
		o.Direction = Direction(mediaDir)
	}
	// RFC 3264 §8.4: a connection address of 0.0.0.0 (RFC 2543's hold)
	// means the writer takes no media.
	if o.Addr.IsValid() && o.Addr.IsUnspecified() {
		switch o.Direction {
		case SendRecv:
			o.Direction = SendOnly
		case RecvOnly:
			o.Direction = Inactive
		}
	}
	for pt, enc := range o.Codecs {
		if enc == "telephone-event/8000" && containsPT(o.Payloads, pt) {
			o.EventType = int(pt)
		}
	}
	return o, nil
}

func containsPT(list []uint8, pt uint8) bool {
	for _, p := range list {
		if p == pt {
			return true
		}
	}
	return false
}

// connection reads a c= value: IN IP4|IP6 address[/ttl].
func connection(val string) (netip.Addr, error) {
	f := strings.Fields(val)
	if len(f) != 3 || f[0] != "IN" || (f[1] != "IP4" && f[1] != "IP6") {
		return netip.Addr{}, fmt.Errorf("%w: c= %q", ErrMalformed, val)
	}
	host, _, _ := strings.Cut(f[2], "/")
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w: c= address %q (host names are not resolved)", ErrMalformed, host)
	}
	return a.Unmap(), nil
}

// Codec is the payload type chosen for audio: the offerer's first G.711
// one, static or named by a=rtpmap.
func (o *Offer) Codec() (pt uint8, alaw bool, err error) {
	for _, p := range o.Payloads {
		enc, named := o.Codecs[p]
		switch {
		case enc == "pcmu/8000" || enc == "pcmu/8000/1" || (!named && p == PayloadPCMU):
			return p, false, nil
		case enc == "pcma/8000" || enc == "pcma/8000/1" || (!named && p == PayloadPCMA):
			return p, true, nil
		}
	}
	return 0, false, ErrNoCodec
}

// Answer describes our side of a stream.
type Answer struct {
	SessionID, Version uint64
	Addr               netip.Addr
	Port               int
	Payload            uint8
	ALaw               bool
	EventType          int // -1: none
	Direction          Direction
}

// Marshal writes the answer as an SDP body.
func (a Answer) Marshal() []byte {
	codec := "PCMU/8000"
	if a.ALaw {
		codec = "PCMA/8000"
	}
	return describe(a.SessionID, a.Version, a.Addr, a.Port, []rtpmap{{a.Payload, codec}}, a.EventType, a.Direction)
}

type rtpmap struct {
	payload uint8
	codec   string
}

// describe writes a description of one audio stream.
func describe(session, version uint64, addr netip.Addr, port int, codecs []rtpmap, eventType int, dir Direction) []byte {
	var b bytes.Buffer
	ipv := "IP4"
	if addr.Is6() {
		ipv = "IP6"
	}
	fmt.Fprintf(&b, "v=0\r\no=switchboard %d %d IN %s %s\r\ns=switchboard\r\nc=IN %s %s\r\nt=0 0\r\n",
		session, version, ipv, addr, ipv, addr)
	fmt.Fprintf(&b, "m=audio %d RTP/AVP", port)
	for _, c := range codecs {
		fmt.Fprintf(&b, " %d", c.payload)
	}
	if eventType >= 0 {
		fmt.Fprintf(&b, " %d", eventType)
	}
	b.WriteString("\r\n")
	for _, c := range codecs {
		fmt.Fprintf(&b, "a=rtpmap:%d %s\r\n", c.payload, c.codec)
	}
	if eventType >= 0 {
		fmt.Fprintf(&b, "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-16\r\n", eventType, eventType)
	}
	fmt.Fprintf(&b, "a=ptime:20\r\na=%s\r\n", dir)
	return b.Bytes()
}
