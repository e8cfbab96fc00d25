package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
)

const (
	// replyGap is the quiet after which the assistant's line is over.
	replyGap = 500 * time.Millisecond
	// speakingGap: audio arrived within it (or is still playing) means the
	// assistant is speaking.
	speakingGap = 200 * time.Millisecond
	// pausedGap is how long after the caller spoke over a reply a clear may
	// still come: the engine pauses a reply while it judges speech over
	// it, then cuts it (a clear) or resumes it.
	pausedGap = 2 * time.Second
)

// console prints a call as it goes: the assistant's words as they play,
// each reply's latency when it is over, and, when the caller speaks over
// the assistant, where the reply was cut and how fast it stopped.
type console struct {
	out     io.Writer
	call    *twiliotest.Call
	echo    bool // print the caller's lines (stdin is not a terminal)
	printed int  // words printed
	timed   int  // reply latencies printed
	clears  int  // the carrier's clears seen
	barged  int  // barge-in reaction times printed
	open    bool // an assistant line is being printed
	// cut: the caller spoke over the line being printed, which was ended
	// there; the next words heard continue it ("…").
	cut bool
	// over: the caller spoke over the assistant, so the engine's next
	// clear (within pausedGap of quiet) is the caller interrupting it.
	over  bool
	turns []time.Duration
}

// say speaks a typed line at once, even over the assistant: that is how
// barge-in is tried by hand. An assistant line still playing is cut
// there, so the caller's line does not land inside it.
func (c *console) say(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	switch {
	case c.call.Phone.Quiet(speakingGap):
		c.endLine()
	case c.open:
		if c.echo {
			fmt.Fprint(c.out, "…")
			c.endLine()
		} else { // the terminal already broke the line where the typing began
			c.open = false
			c.timing()
		}
		c.cut, c.over = true, true
	default: // speaking, no word printed yet
		c.over = true
	}
	if c.echo {
		fmt.Fprintf(c.out, "you: %s\n", line)
	}
	c.call.Say(line)
}

// update prints the words heard since the last update; reports the
// engine's clear of a reply the caller spoke over; and ends the
// assistant's line once it has been quiet for replyGap.
func (c *console) update() {
	p := c.call.Phone
	if words := p.Heard(); len(words) > c.printed {
		c.openLine()
		fmt.Fprint(c.out, " "+strings.Join(words[c.printed:], " "))
		c.printed = len(words)
	}
	if n := p.Clears(); n > c.clears {
		c.clears = n
		if c.over {
			c.interrupted()
		}
	}
	if c.open && p.Quiet(replyGap) {
		c.endLine()
	}
	if c.over && p.Quiet(pausedGap) {
		c.cut, c.over = false, false // it played out: no barge-in
	}
}

// openLine starts an assistant line, marked as the rest of a line the
// caller cut.
func (c *console) openLine() {
	if c.open {
		return
	}
	fmt.Fprint(c.out, "assistant:")
	if c.cut {
		fmt.Fprint(c.out, " …")
		c.cut = false
	}
	c.open = true
}

// interrupted reports that the engine cut the reply the caller spoke
// over, and how long it took to stop.
func (c *console) interrupted() {
	msg := "interrupted"
	if b := c.call.Phone.Timings().BargeIns; len(b) > c.barged {
		c.barged = len(b)
		msg = fmt.Sprintf("interrupted: it stopped %d ms after you started talking", b[len(b)-1].Milliseconds())
	}
	if c.cut {
		c.openLine() // nothing more of it was heard
	}
	fmt.Fprintf(c.out, "   [%s]\n", msg)
	c.open, c.over = false, false
}

// endLine ends the assistant's line with the latency of the reply it
// printed, if the phone timed one.
func (c *console) endLine() {
	if !c.open {
		return
	}
	c.open = false
	fmt.Fprintln(c.out, c.timing())
}

// timing takes the latency of the reply being printed, if the phone timed
// one, and says it.
func (c *console) timing() string {
	replies := c.call.Phone.Timings().Replies
	if len(replies) == c.timed {
		return ""
	}
	d := replies[len(replies)-1]
	c.turns = append(c.turns, d)
	c.timed = len(replies)
	return fmt.Sprintf("   [reply started %d ms after you stopped]", d.Milliseconds())
}

func (c *console) hungUp(why string) {
	c.endLine()
	fmt.Fprintf(c.out, "— %s.", why)
	if n := len(c.turns); n > 0 {
		s := slices.Clone(c.turns)
		slices.Sort(s)
		fmt.Fprintf(c.out, " %d timed replies, median %d ms.", n, s[n/2].Milliseconds())
	}
	fmt.Fprintln(c.out)
}
