package media

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/switchboard-voice/switchboard/internal/mono"
)

// Events are what a session hears on the call, delivered from its reader
// goroutine (Mark from its pacer): they must not block.
type Events interface {
	Audio(frame []byte) // 20 ms of caller audio in the call's codec; the receiver owns it
	DTMF(digit string)  // a key the caller pressed
	Mark(name string)   // the audio before a mark was sent
	Idle()              // no packet for IdleTimeout while the caller was expected to send
}

// Config sets a session up; zero fields take the defaults in brackets.
type Config struct {
	RTP, RTCP net.PacketConn // bound on adjacent ports (Listen)
	// Remote is where the far end's description says to send RTP; once
	// the far end's stream arrives, replies follow its source address.
	Remote    netip.AddrPort
	Payload   uint8 // the audio payload type
	EventType int   // the telephone-event payload type, -1 for none
	Silence   []byte
	Events    Events
	Log       *slog.Logger
	// IdleTimeout ends a call whose caller sent nothing for this long
	// while not on hold [30 s].
	IdleTimeout time.Duration
	// JitterDepth is how many packets may wait behind a missing one
	// before it is given up as lost [3: 60 ms].
	JitterDepth int
	// QueueSize bounds the audio, marks and digits waiting to go out
	// [512: 10 s of audio].
	QueueSize int
	// Timings records, for audio sent with SendAudioSince, the time from
	// its cause to its packet sent, and for ClearSince to the queue
	// dropped (nil: not recorded).
	Timings Timings
}

// Timings records the engine's overhead up to the wire (*metrics.Overhead).
type Timings interface {
	AudioToFrame(time.Duration)
	BargeInToClear(time.Duration)
}

// Errors of the sending side.
var (
	ErrClosed    = errors.New("media: session closed")
	ErrQueueFull = errors.New("media: send queue full")
	ErrNoDigit   = errors.New("media: not a DTMF key")
)

// Timing of the outgoing stream.
const (
	frameSamples = 160 // 20 ms at 8 kHz
	tick         = 20 * time.Millisecond
	digitTicks   = 5  // a key sounds for 100 ms
	pauseTicks   = 25 // 'w' waits 500 ms
	rtcpTicks    = 250
	maxCatchUp   = 5 // ticks sent at once after a stall; older ones are skipped
)

type outKind uint8

const (
	outAudio outKind = iota
	outMark
	outDigit
	outPause
)

type outItem struct {
	kind  outKind
	audio []byte
	name  string
	code  uint8
	since mono.Time // audio: timed from then once sent (SendAudioSince)
}

// Session is one call's RTP stream.
type Session struct {
	cfg  Config
	log  *slog.Logger
	quit chan struct{}
	talk chan time.Time // audio was queued to an empty queue, at then
	wg   sync.WaitGroup

	mu          sync.Mutex
	remote      netip.AddrPort
	rtcpRemote  netip.AddrPort
	latched     bool // remote is the far end's own source address
	source      uint32
	queue       []outItem
	sending     bool // the far end wants our audio (not on hold)
	expecting   bool // the far end is to send audio
	recv        reception
	closed      bool
	sentPackets uint32
	sentOctets  uint32
	lastTS      uint32
	lastSentAt  time.Time

	lastPacket atomic.Int64 // unix nanoseconds
	dropped    atomic.Uint64

	// sender state, pacer goroutine only
	ssrc  uint32
	seq   uint16
	ts    uint32
	event struct {
		active bool
		code   uint8
		start  uint32
		ticks  int
	}
	pause int
	first bool // the next packet is marked: the stream's first, or a talkspurt's moved to now
	wbuf  []byte

	// receiver state, reader goroutine only
	jitter   *jitter
	acc      []byte
	eventTS  uint32
	anyEvent bool
}

// Start runs a session until Close.
func Start(cfg Config) *Session {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Second
	}
	if cfg.JitterDepth <= 0 {
		cfg.JitterDepth = 3
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 512
	}
	s := &Session{cfg: cfg, log: cfg.Log, quit: make(chan struct{}), talk: make(chan time.Time, 1), remote: cfg.Remote, sending: true, expecting: true,
		ssrc: rand.Uint32(), seq: uint16(rand.Uint32()), ts: rand.Uint32(), first: true}
	if cfg.Remote.IsValid() {
		s.rtcpRemote = netip.AddrPortFrom(cfg.Remote.Addr(), cfg.Remote.Port()+1)
	}
	s.jitter = newJitter(cfg.JitterDepth, cfg.Payload, s.released)
	s.lastPacket.Store(time.Now().UnixNano())
	s.wg.Add(3)
	go s.readRTP()
	go s.readRTCP()
	go s.pace()
	return s
}

// Close stops the session and closes its sockets; it is idempotent.
func (s *Session) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	close(s.quit)
	_ = s.cfg.RTP.Close()
	_ = s.cfg.RTCP.Close()
	s.wg.Wait()
	if n := s.dropped.Load(); n > 0 {
		s.log.Info("RTP packets dropped", "count", n, "late", s.jitter.late)
	}
}

// LocalPort is the session's RTP port.
func (s *Session) LocalPort() int { return s.cfg.RTP.LocalAddr().(*net.UDPAddr).Port }

// Update applies a new description of the far end (a re-INVITE): where to
// send, and whether each side sends (hold).
func (s *Session) Update(remote netip.AddrPort, sending, expecting bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if remote.IsValid() && remote != s.remote && !remote.Addr().IsUnspecified() {
		s.remote, s.latched = remote, false
		s.rtcpRemote = netip.AddrPortFrom(remote.Addr(), remote.Port()+1)
	}
	s.sending, s.expecting = sending, expecting
	s.lastPacket.Store(time.Now().UnixNano())
}

// SendAudio queues one 20 ms frame for the far end.
func (s *Session) SendAudio(frame []byte) error {
	return s.enqueue(outItem{kind: outAudio, audio: frame})
}

// SendAudioSince is SendAudio timed: once the frame's packet is sent, the
// time since the input that caused it is recorded (Config.Timings).
func (s *Session) SendAudioSince(frame []byte, since mono.Time) error {
	return s.enqueue(outItem{kind: outAudio, audio: frame, since: since})
}

// SendMark queues a mark, reported once the audio before it was sent.
func (s *Session) SendMark(name string) error { return s.enqueue(outItem{kind: outMark, name: name}) }

// SendDTMF queues keys (0-9, *, #, A-D; w waits half a second) as
// telephone-events, or fails with ErrNoDigit when the far end took none
// or a key is not one.
func (s *Session) SendDTMF(keys string) error {
	items := make([]outItem, 0, len(keys))
	for i := 0; i < len(keys); i++ {
		if keys[i] == 'w' || keys[i] == 'W' {
			items = append(items, outItem{kind: outPause})
			continue
		}
		code, ok := codeOf(keys[i])
		if !ok || s.cfg.EventType < 0 {
			return ErrNoDigit
		}
		items = append(items, outItem{kind: outDigit, code: code})
	}
	return s.enqueue(items...)
}

// ClearSince is Clear timed: once the queue is dropped (the next packet
// is silence), the time since the input that confirmed the barge-in is
// recorded.
func (s *Session) ClearSince(since mono.Time) error {
	err := s.Clear()
	if err == nil && s.cfg.Timings != nil {
		s.cfg.Timings.BargeInToClear(mono.Since(since))
	}
	return err
}

// Clear drops the audio and keys not sent yet; marks among them are
// reported at once.
func (s *Session) Clear() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	var marks []string
	for _, it := range s.queue {
		if it.kind == outMark {
			marks = append(marks, it.name)
		}
	}
	s.queue = s.queue[:0]
	s.mu.Unlock()
	for _, m := range marks {
		s.cfg.Events.Mark(m)
	}
	return nil
}

func (s *Session) enqueue(items ...outItem) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return ErrClosed
	case len(s.queue)+len(items) > s.cfg.QueueSize:
		return ErrQueueFull
	}
	if len(s.queue) == 0 && items[0].kind == outAudio {
		select { // the pacer may send it at once (pace)
		case s.talk <- time.Now():
		default:
		}
	}
	s.queue = append(s.queue, items...)
	return nil
}

// pace sends one packet every 20 ms, on a grid: slot n goes out at
// start + (n+1)·tick. A reply's first frame, queued while silence goes
// out, is sent at once instead of at the next tick (a wait the caller
// would hear, 10 ms on average): the grid moves earlier to it, the packet
// marked as a talkspurt's first (RFC 3551 §4.1) so the far end may
// re-time its playout, and moves back at the next silence, so that over
// the call packets keep the pace their timestamps say.
func (s *Session) pace() {
	defer s.wg.Done()
	start, sent := time.Now(), int64(0)
	t := time.NewTimer(tick)
	defer t.Stop()
	var ahead time.Duration // how far the grid moved earlier for the talkspurt going out
	quiet := true           // the last packet sent was silence
	for {
		var now time.Time
		select {
		case <-s.quit:
			return
		case now = <-t.C:
		case now = <-s.talk:
			if !quiet || int64(now.Sub(start)/tick) > sent {
				break // mid-talkspurt, or a slot is due anyway: the grid stays
			}
			shift := start.Add(time.Duration(sent+1) * tick).Sub(now)
			start, ahead = start.Add(-shift), ahead+shift
			s.first = true
		}
		due := int64(now.Sub(start) / tick)
		if due-sent > maxCatchUp {
			skipped := due - sent - maxCatchUp
			s.ts += uint32(skipped) * frameSamples
			sent += skipped
		}
		for ; sent < due; sent++ {
			quiet = !s.step()
			if quiet && ahead > 0 { // the talkspurt is over: the grid moves back
				start, ahead = start.Add(ahead), 0
				due = int64(now.Sub(start) / tick)
			}
			if (sent+1)%rtcpTicks == 0 {
				s.sendReport(now)
			}
		}
		t.Reset(max(time.Until(start.Add(time.Duration(sent+1)*tick)), 0))
	}
}

// step sends what falls due in one tick; true when that is audio.
func (s *Session) step() bool {
	var marks []string
	s.mu.Lock()
	remote, sending := s.remote, s.sending && s.remote.IsValid() && !s.remote.Addr().IsUnspecified()
	var audio []byte
	var since mono.Time
	switch {
	case s.event.active, s.pause > 0:
	default:
	loop:
		for len(s.queue) > 0 {
			it := s.queue[0]
			s.queue = s.queue[1:]
			switch it.kind {
			case outMark:
				marks = append(marks, it.name)
			case outAudio:
				audio, since = it.audio, it.since
				break loop
			case outDigit:
				s.event.active, s.event.code, s.event.start, s.event.ticks = true, it.code, s.ts, 0
				break loop
			case outPause:
				s.pause = pauseTicks
				break loop
			}
		}
	}
	s.mu.Unlock()
	for _, m := range marks {
		s.cfg.Events.Mark(m)
	}
	switch {
	case s.event.active:
		s.event.ticks++
		ev := event{code: s.event.code, volume: 10, duration: uint16(s.event.ticks * frameSamples)}
		if s.event.ticks >= digitTicks {
			ev.end = true
			for range 3 { // RFC 4733 §2.5.1.4: the end is sent three times
				s.send(remote, sending, uint8(s.cfg.EventType), s.event.start, false, ev.append(nil))
			}
			s.event.active = false
		} else {
			s.send(remote, sending, uint8(s.cfg.EventType), s.event.start, s.event.ticks == 1, ev.append(nil))
		}
	case audio != nil:
		s.send(remote, sending, s.cfg.Payload, s.ts, s.first, audio)
		s.first = false
		if !since.IsZero() && s.cfg.Timings != nil {
			s.cfg.Timings.AudioToFrame(mono.Since(since))
		}
	default:
		if s.pause > 0 {
			s.pause--
		}
		s.send(remote, sending, s.cfg.Payload, s.ts, s.first, s.cfg.Silence)
		s.first = false
	}
	s.ts += frameSamples
	return audio != nil
}

func (s *Session) send(to netip.AddrPort, sending bool, pt uint8, ts uint32, marker bool, payload []byte) {
	if !sending {
		return
	}
	p := rtp.Packet{Header: rtp.Header{Version: 2, Marker: marker, PayloadType: pt, SequenceNumber: s.seq,
		Timestamp: ts, SSRC: s.ssrc}, Payload: payload}
	s.seq++
	n := p.MarshalSize()
	if cap(s.wbuf) < n {
		s.wbuf = make([]byte, n)
	}
	b := s.wbuf[:n]
	if _, err := p.MarshalTo(b); err != nil {
		return
	}
	if _, err := s.cfg.RTP.WriteTo(b, net.UDPAddrFromAddrPort(to)); err != nil {
		s.log.Debug("RTP not sent", "err", err)
		return
	}
	s.mu.Lock()
	s.sentPackets++
	s.sentOctets += uint32(len(payload))
	s.lastTS, s.lastSentAt = ts, time.Now()
	s.mu.Unlock()
}

// sendReport sends a compound RTCP report: a sender report once we sent
// media (a receiver report before), with a reception block for the far
// end's stream, and our CNAME.
func (s *Session) sendReport(now time.Time) {
	s.mu.Lock()
	to := s.rtcpRemote
	var blocks []rtcp.ReceptionReport
	if s.recv.started {
		blocks = append(blocks, s.recv.report(now))
	}
	var first rtcp.Packet = &rtcp.ReceiverReport{SSRC: s.ssrc, Reports: blocks}
	if s.sentPackets > 0 {
		ts := s.lastTS + uint32(now.Sub(s.lastSentAt)/(time.Second/8000))
		first = &rtcp.SenderReport{SSRC: s.ssrc, NTPTime: ntpTime(now), RTPTime: ts, PacketCount: s.sentPackets,
			OctetCount: s.sentOctets, Reports: blocks}
	}
	s.mu.Unlock()
	if !to.IsValid() || to.Addr().IsUnspecified() {
		return
	}
	b, err := rtcp.Marshal([]rtcp.Packet{first, &rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{
		Source: s.ssrc, Items: []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: "switchboard"}}}}}})
	if err != nil {
		return
	}
	if _, err := s.cfg.RTCP.WriteTo(b, net.UDPAddrFromAddrPort(to)); err != nil {
		s.log.Debug("RTCP not sent", "err", err)
	}
}

// readRTP reads the far end's packets until Close, or until it has been
// silent for IdleTimeout.
func (s *Session) readRTP() {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		_ = s.cfg.RTP.SetReadDeadline(time.Now().Add(time.Second))
		n, from, err := s.cfg.RTP.ReadFrom(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if s.idle() {
					s.cfg.Events.Idle()
					return
				}
				continue
			}
			return // closed
		}
		ua, ok := from.(*net.UDPAddr)
		if !ok {
			continue
		}
		s.receive(buf[:n], ua.AddrPort())
	}
}

// idle reports whether the caller, expected to send, has not for too long.
func (s *Session) idle() bool {
	s.mu.Lock()
	expecting := s.expecting
	s.mu.Unlock()
	last := time.Unix(0, s.lastPacket.Load())
	return expecting && time.Since(last) > s.cfg.IdleTimeout
}

// receive handles one datagram on the RTP port.
func (s *Session) receive(b []byte, from netip.AddrPort) {
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	if len(b) >= 2 && b[1] >= 200 && b[1] <= 204 { // RTCP multiplexed on the RTP port (RFC 5761)
		s.receiveRTCP(b, from)
		return
	}
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil || p.Version != 2 ||
		(p.PayloadType != s.cfg.Payload && int(p.PayloadType) != s.cfg.EventType) {
		s.drop("undecodable or unexpected RTP", from, err)
		return
	}
	s.mu.Lock()
	switch {
	case !s.latched && (!s.remote.IsValid() || s.remote.Addr() == from.Addr() || !s.recv.started):
		// symmetric RTP: the stream's source is where replies go
		s.latched, s.remote, s.source = true, from, p.SSRC
		s.rtcpRemote = netip.AddrPortFrom(from.Addr(), from.Port()+1)
		s.recv.reset(p.SSRC)
		s.jitter.reset()
	case p.SSRC == s.source && from != s.remote:
		s.remote = from // the NAT binding moved
	case p.SSRC != s.source && from == s.remote:
		s.source = p.SSRC // the far end restarted its stream
		s.recv.reset(p.SSRC)
		s.jitter.reset()
	case p.SSRC != s.source:
		s.mu.Unlock()
		s.drop("RTP from a foreign source", from, nil)
		return
	}
	s.recv.packet(p.SequenceNumber, p.Timestamp, time.Now().UnixNano()/int64(time.Second/8000))
	s.mu.Unlock()
	s.lastPacket.Store(time.Now().UnixNano())
	s.jitter.push(packet{seq: p.SequenceNumber, timestamp: p.Timestamp, pt: p.PayloadType, marker: p.Marker, payload: p.Payload})
}

func (s *Session) drop(what string, from netip.AddrPort, err error) {
	if s.dropped.Add(1) == 1 {
		s.log.Warn("dropping RTP packets", "what", what, "from", from, "err", err)
	}
}

// released takes the jitter buffer's packets in order.
func (s *Session) released(p packet, lostSamples int) {
	if int(p.pt) == s.cfg.EventType {
		ev, err := decodeEvent(p.payload)
		if err != nil {
			s.drop("malformed telephone-event", netip.AddrPort{}, err)
			return
		}
		if s.anyEvent && p.timestamp == s.eventTS {
			return // the same key: its updates and end
		}
		s.anyEvent, s.eventTS = true, p.timestamp
		if d := digitOf(ev.code); d != 0 {
			s.cfg.Events.DTMF(string(d))
		}
		return
	}
	for ; lostSamples > 0; lostSamples-- {
		s.acc = append(s.acc, s.cfg.Silence[0])
	}
	s.acc = append(s.acc, p.payload...)
	off := 0
	for ; len(s.acc)-off >= frameSamples; off += frameSamples {
		s.cfg.Events.Audio(append([]byte(nil), s.acc[off:off+frameSamples]...))
	}
	s.acc = s.acc[:copy(s.acc, s.acc[off:])]
}

// readRTCP reads the far end's reports until Close.
func (s *Session) readRTCP() {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, from, err := s.cfg.RTCP.ReadFrom(buf)
		if err != nil {
			return
		}
		if ua, ok := from.(*net.UDPAddr); ok {
			s.receiveRTCP(buf[:n], ua.AddrPort())
		}
	}
}

func (s *Session) receiveRTCP(b []byte, from netip.AddrPort) {
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		s.drop("undecodable RTCP", from, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.latched || from.Addr() != s.remote.Addr() {
		return // reports count only from the stream's own source
	}
	s.rtcpRemote = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	for _, p := range pkts {
		if sr, ok := p.(*rtcp.SenderReport); ok && sr.SSRC == s.source {
			s.recv.lastSR = uint32(sr.NTPTime >> 16)
			s.recv.lastSRAt = time.Now()
		}
	}
}
