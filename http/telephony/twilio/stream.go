package twilio

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"regexp"

	fws "github.com/gofiber/contrib/websocket"

	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/voice"
)

var streamSIDPattern = regexp.MustCompile(`^MZ[0-9a-fA-F]{32}$`)

// errStart is a stream whose opening is not a valid call's.
var errStart = errors.New("twilio: stream start refused")

// stream runs a Media Streams websocket: it waits for the start message,
// checks the call's ticket, starts the call and serves it.
func (g *Gateway) stream(conn *fws.Conn) {
	acct, _ := conn.Locals(accountKey).(telephony.TwilioAccount)
	telephony.RunStream(g.cfg.Deps, conn.Conn, g.cfg.Stream, telephony.Opening[*Start]{
		Await: awaitStart,
		Admit: func(ctx context.Context, _ *telephony.Stream, st *Start) (telephony.Admission, error) {
			spec, ctl, err := g.admit(ctx, acct, st)
			return telephony.Admission{Spec: spec, Wire: telephony.Wire{Format: voice.Telephony, Encoder: newEncoder(st.StreamSID), Control: ctl},
				Decoder: &decoder{}}, err
		},
		CallID:  func(st *Start) string { return st.CallSID },
		Timeout: webhookTimeout,
	})
}

// awaitStart reads until the start message (after connected).
func awaitStart(s *telephony.Stream) (*Start, error) {
	return telephony.AwaitStart(s, errStart, func(sc *telephony.Scanner, msg []byte) (*Start, bool, error) {
		f := frame{start: &Start{}}
		if err := scanFrame(sc, msg, &f); err != nil {
			return nil, false, err
		}
		switch string(f.event) {
		case "connected":
			return nil, false, nil
		case "start":
			st := f.start
			if !streamSIDPattern.MatchString(st.StreamSID) || st.CallSID == "" {
				return nil, false, fmt.Errorf("%w: start without stream or call SID", telephony.ErrMalformed)
			}
			if st.Encoding != "audio/x-mulaw" || st.SampleRate != 8000 || (st.Channels != 0 && st.Channels != 1) {
				return nil, false, fmt.Errorf("%w: media format %s/%d/%d", errStart, st.Encoding, st.SampleRate, st.Channels)
			}
			return st, true, nil
		default:
			return nil, false, fmt.Errorf("%w: %q before start", errStart, f.event)
		}
	})
}

// admit checks that the stream belongs to a call this engine answered,
// routes it, and prepares its spec and control.
func (g *Gateway) admit(ctx context.Context, acct telephony.TwilioAccount, st *Start) (call.Spec, *control, error) {
	if st.AccountSID != acct.AccountSID {
		return call.Spec{}, nil, fmt.Errorf("%w: account %s did not sign the upgrade", errStart, st.AccountSID)
	}
	tk, err := g.cfg.Tickets.Redeem(st.Params["ticket"])
	if err != nil {
		return call.Spec{}, nil, err
	}
	if tk.Carrier != telephony.Twilio || tk.CallID != st.CallSID {
		return call.Spec{}, nil, fmt.Errorf("%w: ticket of another call", telephony.ErrBadTicket)
	}
	if tk.Resume {
		// Twilio may open the caller's way back before the leg it left
		// (stopped by the transfer) has ended here.
		if err := g.cfg.Calls.AwaitEnded(ctx, tk.CallID); err != nil {
			return call.Spec{}, nil, err
		}
	}
	signedBy := func(r *telephony.Route) error {
		if r.Credentials.Twilio == nil ||
			subtle.ConstantTimeCompare([]byte(r.Credentials.Twilio.AuthToken), []byte(acct.AuthToken)) != 1 {
			return fmt.Errorf("%w: the call's account did not sign the upgrade", errStart)
		}
		return nil
	}
	route, spec, err := telephony.Admit(ctx, g.cfg.Directory, g.cfg.Log, telephony.TicketLookup(telephony.Twilio, tk),
		telephony.TicketInfo(telephony.Twilio, st.CallSID, tk), signedBy)
	if err != nil {
		return call.Spec{}, nil, err
	}
	return spec, &control{g: g, acct: *route.Credentials.Twilio, ticket: tk}, nil
}
