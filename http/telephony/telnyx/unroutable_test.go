package telnyx_test

import (
	"testing"

	"github.com/switchboard-voice/switchboard/http/telephony/telephonytest"
)

// A call the engine cannot route hears an apology in the carrier's language.
func TestUnroutableCallHearsAnApology(t *testing.T) {
	r := newRig(t, nil)
	telephonytest.CheckUnroutable(r.Harness, r.cloud.Dial)
}
