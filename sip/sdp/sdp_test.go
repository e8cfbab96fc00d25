package sdp

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

const asterisk = "v=0\r\no=- 1234 1 IN IP4 192.0.2.10\r\ns=Asterisk\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
	"m=audio 18000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n" +
	"a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\nm=video 0 RTP/AVP 96\r\nc=IN IP4 198.51.100.1\r\n"

func TestParseAndAnswer(t *testing.T) {
	o, err := Parse([]byte(asterisk))
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != netip.MustParseAddr("192.0.2.10") || o.Port != 18000 || o.EventType != 101 || o.Direction != SendRecv || o.PacketTime != 20 {
		t.Fatalf("offer %+v", o)
	}
	pt, alaw, err := o.Codec()
	if err != nil || pt != 8 || !alaw {
		t.Fatalf("codec %d %v %v", pt, alaw, err)
	}
	ans := Answer{SessionID: 7, Version: 1, Addr: netip.MustParseAddr("127.0.0.1"), Port: 20000, Payload: pt, ALaw: alaw,
		EventType: o.EventType, Direction: o.Direction.Reverse()}
	back, err := Parse(ans.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if back.Port != 20000 || back.EventType != 101 || back.Codecs[8] != "pcma/8000" || back.Direction != SendRecv {
		t.Fatalf("answer read back %+v", back)
	}
}

func TestHoldAndRefusals(t *testing.T) {
	hold := strings.Replace(asterisk, "a=sendrecv", "a=sendonly", 1)
	if o, err := Parse([]byte(hold)); err != nil || o.Direction != SendOnly || o.Direction.Reverse() != RecvOnly {
		t.Fatalf("hold %+v %v", o, err)
	}
	old := strings.Replace(asterisk, "c=IN IP4 192.0.2.10", "c=IN IP4 0.0.0.0", 1)
	if o, err := Parse([]byte(old)); err != nil || o.Direction != SendOnly || o.Direction.Receives() {
		t.Fatalf("0.0.0.0 hold %+v %v", o, err)
	}
	g729 := strings.NewReplacer("RTP/AVP 8 0 101", "RTP/AVP 18", "a=rtpmap:8 PCMA/8000\r\n", "", "a=rtpmap:0 PCMU/8000\r\n", "").Replace(asterisk)
	if o, err := Parse([]byte(g729)); err != nil {
		t.Fatal(err)
	} else if _, _, err := o.Codec(); !errors.Is(err, ErrNoCodec) {
		t.Fatalf("G.729 only: %v", err)
	}
	for _, bad := range []string{"", "hello", "v=0\r\nm=audio x RTP/AVP 0\r\n", "v=0\r\nc=IN IP4 example.com\r\nm=audio 1 RTP/AVP 0\r\n",
		"v=0\r\nm=video 1 RTP/AVP 96\r\n", "v=0\r\nm=audio 4000 RTP/AVP 0\r\n"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(asterisk))
	f.Add([]byte("v=0\r\nc=IN IP6 ::1\r\nm=audio 1 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=inactive\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		o, err := Parse(body)
		if err != nil {
			return
		}
		if pt, alaw, err := o.Codec(); err == nil {
			a := Answer{Addr: netip.MustParseAddr("::1"), Port: o.Port, Payload: pt, ALaw: alaw, EventType: o.EventType, Direction: o.Direction.Reverse()}
			if _, err := Parse(a.Marshal()); err != nil {
				t.Fatalf("our answer does not parse: %v", err)
			}
		}
	})
}

// The engine's offer names both G.711 codecs and telephone-events; an
// answer choosing A-law reads back as A-law.
func TestOffer(t *testing.T) {
	o, err := Parse(NewOffer(9, netip.MustParseAddr("192.0.2.1"), 30000))
	if err != nil {
		t.Fatal(err)
	}
	if o.Port != 30000 || len(o.Payloads) != 3 || o.Codecs[0] != "pcmu/8000" || o.Codecs[8] != "pcma/8000" || o.EventType != EventPayload {
		t.Fatalf("offer %+v", o)
	}
	ans := Answer{Addr: netip.MustParseAddr("192.0.2.2"), Port: 4000, Payload: PayloadPCMA, ALaw: true, EventType: EventPayload}
	back, err := Parse(ans.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if pt, alaw, err := back.Codec(); err != nil || pt != PayloadPCMA || !alaw {
		t.Fatalf("answer's codec %d %v %v", pt, alaw, err)
	}
}
