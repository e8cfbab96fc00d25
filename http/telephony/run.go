package telephony

import (
	"context"

	"github.com/switchboard-voice/switchboard/actors/call"
)

// Run begins an admitted call on the stream and serves the stream until
// the call ends; a call that cannot begin is logged and the stream left.
func (s *Stream) Run(ctx context.Context, m *call.Manager, spec call.Spec, w Wire, dec Decoder) {
	if _, err := s.Begin(ctx, m, spec, w); err != nil {
		s.Log().Warn("call not started", "call_sid", spec.ID, "err", err)
		return
	}
	s.Serve(dec)
}
