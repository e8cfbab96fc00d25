package telephonytest

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// Converse waits for the Greeting, then asks and hears the echo.
func (h *Harness) Converse(c Call) {
	h.T.Helper()
	WaitHeard(h.T, c.Phone, Greeting)
	c.Say("what are your hours")
	WaitHeard(h.T, c.Phone, "You said: what are your hours")
}

// BargeIn interrupts a LongReply (the LLM runs BargeInScript): the line
// is cleared and the rest of the reply never plays.
func (h *Harness) BargeIn(c Call) {
	h.T.Helper()
	c.Say("help")
	WaitHeard(h.T, c.Phone, "I can help")
	c.Say("stop right there please")
	if err := c.Phone.Wait(Ctx(h.T, 10*time.Second), func(p *phone.Phone) bool { return p.Clears() > 0 }); err != nil {
		h.T.Fatal("no clear received")
	}
	WaitHeard(h.T, c.Phone, "Sure.")
	// Both replies' first frames and the barge-in's clear were timed.
	testkit.Eventually(h.T, 10*time.Second, func() error {
		if f, c := h.Timings.Frames(), h.Timings.Clears(); f < 2 || c < 1 {
			return fmt.Errorf("timed %d first frames and %d clears", f, c)
		}
		return nil
	})
	if strings.Contains(c.Phone.Transcript(), "tell me") {
		h.T.Fatalf("the interrupted reply played to its end: %q", c.Phone.Transcript())
	}
}

// PressAndAskForTones presses 12, which the assistant (ToolScript) hears,
// and asks for the menu, to which it answers sending 42#.
func (h *Harness) PressAndAskForTones(c Call) {
	h.T.Helper()
	if err := c.Press("12"); err != nil {
		h.T.Fatal(err)
	}
	WaitHeard(h.T, c.Phone, "You said: [keypad: 12]")
	c.Say("the menu please")
}

// AssistantHangsUp has the assistant (ToolScript) say goodbye and end the
// call.
func (h *Harness) AssistantHangsUp(c Call) {
	h.T.Helper()
	c.Say("bye now")
	WaitHeard(h.T, c.Phone, "Goodbye then.")
	select {
	case <-c.Done():
	case <-Ctx(h.T, 10*time.Second).Done():
		h.T.Fatal("the call did not end")
	}
	h.EndedBy(c, events.EndAssistantTool)
}
