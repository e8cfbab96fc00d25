package twiliotest

import (
	"context"
	"net/url"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/carriertest"
)

// run executes a call's TwiML, as Twilio does, until the call ends: a REST
// update replaces the document; a document that runs out hangs up.
func (c *Call) run(doc []byte) {
	c.setStatus("in-progress")
	for doc != nil && !c.Over() {
		root, err := parseTwiML(doc)
		if err != nil {
			c.fail(err)
			return
		}
		doc = nil
		for _, v := range root.Children {
			next := c.exec(v)
			if c.Over() {
				return
			}
			if p := c.takePending(); p != nil {
				doc = p
				break
			}
			if next != nil {
				doc = next
				break
			}
		}
	}
	c.complete()
}

// exec runs one verb; it returns TwiML to continue with, if any.
func (c *Call) exec(v node) []byte {
	switch v.XMLName.Local {
	case "Say":
		c.Hear(v.text())
	case "Hangup":
		c.Answer()
		c.complete()
	case "Dial":
		return c.dial(v)
	case "Connect":
		for _, s := range v.Children {
			if s.XMLName.Local == "Stream" {
				params := map[string]string{}
				for _, p := range s.Children {
					if p.XMLName.Local == "Parameter" {
						params[p.attr("name")] = p.attr("value")
					}
				}
				c.stream(s.attr("url"), params)
			}
		}
	}
	return nil
}

// dial runs <Dial>: a number (cold), or a <Number url> whose TwiML runs on
// the agent's leg first (warm). A bridged call lasts until the caller
// hangs up; otherwise the action's TwiML follows.
func (c *Call) dial(v node) []byte {
	t := Transfer{To: v.text()}
	agentURL := ""
	for _, n := range v.Children {
		if n.XMLName.Local == "Number" {
			t.To, agentURL = n.text(), n.attr("url")
		}
	}
	if agentURL == "" {
		t.Bridged, t.DialStatus = true, "completed"
		c.setTransfer(t)
		c.Answer()
		<-c.Done() // talking to the number until the caller hangs up
		return nil
	}
	t.Warm = true
	agent := c.cloud.cfg.Agent(t.To)
	t.DialStatus = "no-answer"
	if agent.Answer {
		t.Bridged = c.agentLeg(agentURL, agent, &t)
		t.DialStatus = "completed"
	}
	c.setTransfer(t)
	c.Answer()
	if t.Bridged {
		<-c.Done()
		return nil
	}
	action := v.attr("action")
	if action == "" {
		return nil
	}
	form := c.params("in-progress")
	form.Set("DialCallStatus", t.DialStatus)
	form.Set("DialBridged", "false")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	doc, err := c.cloud.webhook(ctx, action, form)
	if err != nil {
		c.fail(err)
		return nil
	}
	if root, err := parseTwiML(doc); err == nil && len(root.Children) > 0 && root.Children[0].XMLName.Local == "Say" {
		t.Unavailable = root.Children[0].text()
		c.setTransfer(t)
	}
	return doc
}

func (c *Call) setTransfer(t Transfer) {
	c.mu.Lock()
	c.transfer = t
	c.mu.Unlock()
}

// agentLeg runs the whisper TwiML on the agent's leg: <Say> is heard, a
// <Gather> gets the agent's key and its action's answer, <Hangup>
// declines. It reports whether the agent was bridged to the caller.
func (c *Call) agentLeg(agentURL string, agent Agent, t *Transfer) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	form := url.Values{"CallSid": {"CA" + carriertest.Hex(16)}, "ParentCallSid": {c.SID}, "AccountSid": {c.cloud.cfg.AccountSID},
		"From": {c.From}, "To": {t.To}, "CallStatus": {"in-progress"}, "Direction": {"outbound-dial"}}
	doc, err := c.cloud.webhook(ctx, agentURL, form)
	for hops := 0; hops < 5; hops++ {
		if err != nil {
			return false
		}
		root, perr := parseTwiML(doc)
		if perr != nil {
			return false
		}
		doc = nil
		for _, v := range root.Children {
			switch v.XMLName.Local {
			case "Say":
				t.AgentHeard = append(t.AgentHeard, v.text())
			case "Hangup":
				return false
			case "Gather":
				for _, s := range v.Children {
					if s.XMLName.Local == "Say" {
						t.AgentHeard = append(t.AgentHeard, s.text())
					}
				}
				if agent.Key == "" {
					continue // the gather times out: on to the next verb
				}
				t.AgentKey = agent.Key
				form.Set("Digits", agent.Key)
				doc, err = c.cloud.webhook(ctx, v.attr("action"), form)
			}
			if doc != nil || err != nil {
				break
			}
		}
		if doc == nil && err == nil {
			return true // the whisper ran out: the agent is bridged
		}
	}
	return false
}
