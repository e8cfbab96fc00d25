package telephonytest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// Statuses is a telephony.StatusRecorder keeping every report.
type Statuses struct {
	mu   sync.Mutex
	list []telephony.CallStatus
}

// RecordStatus implements telephony.StatusRecorder.
func (s *Statuses) RecordStatus(_ context.Context, st telephony.CallStatus) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, st)
	return nil
}

// Of returns the reports about a call.
func (s *Statuses) Of(callID string) []telephony.CallStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []telephony.CallStatus
	for _, st := range s.list {
		if st.CallID == callID {
			out = append(out, st)
		}
	}
	return out
}

// All returns every report.
func (s *Statuses) All() []telephony.CallStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]telephony.CallStatus(nil), s.list...)
}

// WaitStatuses waits until the reports about a call are as ok wants.
func (h *Harness) WaitStatuses(callID string, ok func([]telephony.CallStatus) bool) {
	h.T.Helper()
	testkit.Eventually(h.T, 10*time.Second, func() error {
		if st := h.Status.Of(callID); !ok(st) {
			return fmt.Errorf("statuses %+v", st)
		}
		return nil
	})
}
