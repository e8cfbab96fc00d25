package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/sip/siptest"
)

// The carriers the bench calls over.
const (
	// CarrierTwilio is Twilio's media streams: JSON over a websocket.
	CarrierTwilio = "twilio"
	// CarrierSIP is a SIP trunk: RTP over UDP to the engine's SIP
	// listener, the callers being SIP user agents (siptest).
	CarrierSIP = "sip"
)

// line is a call the bench placed, on the carrier under test.
type line interface {
	Say(text string)
	// End hangs up, returns once the call is over, and says what went
	// wrong with it on the carrier's side.
	End() error
	// Violations list what the engine sent that the carrier would reject.
	Violations() []string
}

type twilioLine struct{ *twiliotest.Call }

func (l twilioLine) End() error {
	l.HangUp()
	<-l.Done()
	return l.Err()
}

type sipLine struct{ *siptest.Caller }

func (l sipLine) End() error {
	if err := l.Caller.End(); err != nil {
		return fmt.Errorf("BYE: %w", err)
	}
	return nil
}

// dial places a call from → to over the system's carrier: a SIP INVITE
// when the engine listens for SIP, else Twilio's.
func (s *system) dial(ctx context.Context, from, to string) (line, *phone.Phone, error) {
	if s.sip.IsValid() {
		c, err := siptest.Dial(ctx, siptest.Config{Gateway: s.sip, From: from, To: to})
		if err != nil {
			return nil, nil, err
		}
		return sipLine{c}, c.Phone, nil
	}
	c, err := s.carrier().Dial(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	return twilioLine{c}, c.Phone, nil
}

// provider is the numbers' provider for a carrier.
func provider(sip bool) string {
	if sip {
		return CarrierSIP
	}
	return CarrierTwilio
}

// addTrunk creates the trunk the bench's SIP calls come from: loopback,
// by address alone.
func addTrunk(ctx context.Context, baseURL, apiKey string) error {
	body, _ := json.Marshal(map[string]any{"name": "switchboard bench", "allowed_addresses": []string{"127.0.0.1"}})
	if err := postJSON(ctx, baseURL+"/api/v1/sip-trunks", apiKey, body, nil); err != nil {
		return fmt.Errorf("bench: create the SIP trunk: %w", err)
	}
	return nil
}

// freeSIPAddr is a loopback port free for both UDP and TCP, as a SIP
// listener needs.
func freeSIPAddr() (netip.AddrPort, error) {
	for range 20 {
		udp, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return netip.AddrPort{}, fmt.Errorf("bench: %w", err)
		}
		at := udp.LocalAddr().(*net.UDPAddr).AddrPort()
		tcp, err := net.Listen("tcp", at.String())
		_ = udp.Close()
		if err == nil {
			_ = tcp.Close()
			return at, nil
		}
	}
	return netip.AddrPort{}, fmt.Errorf("bench: no port free for UDP and TCP")
}
