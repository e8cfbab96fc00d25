package demo

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/phone"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
)

// CalleeScript is what the built-in callee says to a call the demo engine
// places: a line each time the assistant has finished speaking. With the
// demo's model script it books a repair and says goodbye, which ends the
// call.
var CalleeScript = []string{
	"Hi, speaking.",
	"Can you repair my bike?",
	"Yes please.",
	"No, that's all, goodbye.",
}

const (
	// turnGap is the quiet after the assistant's words that ends its turn.
	turnGap = 700 * time.Millisecond
	// patience is how long the callee waits for the assistant to speak,
	// and for the call to end after its last line, before hanging up.
	patience = 30 * time.Second
)

// converse answers c with script, then waits for the assistant to end the
// call, hanging up itself if it does not.
func converse(ctx context.Context, c *twiliotest.Call, script []string) {
	defer c.HangUp()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // the call's end ends the conversation
		select {
		case <-c.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	heard := 0
	for _, line := range script {
		wctx, wcancel := context.WithTimeout(ctx, patience)
		err := c.Phone.Wait(wctx, func(p *phone.Phone) bool { return len(p.Heard()) > heard && p.Quiet(turnGap) })
		wcancel()
		if err != nil {
			return
		}
		heard = len(c.Phone.Heard())
		c.Say(line)
	}
	wctx, wcancel := context.WithTimeout(ctx, patience)
	defer wcancel()
	<-wctx.Done()
}
