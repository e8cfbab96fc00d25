package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-voice/switchboard/demo"
	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/persistence"
)

// call is a terminal softphone: it plays Twilio, places a call to one of
// the engine's numbers through the voice webhook and a Media Stream, speaks
// each line typed on stdin, and prints what the assistant says and how
// long each reply took to start.
func call(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	assistantID := fs.Int64("assistant", 0, "the assistant to call: its active Twilio number is looked up in the database (DATABASE_URL)")
	to := fs.String("to", os.Getenv("SWITCHBOARD_CALL_TO"), "the number to call instead of --assistant's (SWITCHBOARD_CALL_TO)")
	from := fs.String("from", envOr("SWITCHBOARD_CALL_FROM", "+15550109999"), "the caller's number (SWITCHBOARD_CALL_FROM)")
	engineURL := fs.String("engine", envOr("SWITCHBOARD_CALL_ENGINE", "http://127.0.0.1:8080"), "where the engine listens (SWITCHBOARD_CALL_ENGINE)")
	publicURL := fs.String("public-url", os.Getenv("SWITCHBOARD_PUBLIC_URL"), "the engine's public URL, which Twilio signs over; default --engine (SWITCHBOARD_PUBLIC_URL)")
	accountSID := fs.String("account-sid", envOr("SWITCHBOARD_CALL_TWILIO_ACCOUNT_SID", demo.AccountSID), "the Twilio account played; default the demo's (SWITCHBOARD_CALL_TWILIO_ACCOUNT_SID)")
	authToken := fs.String("auth-token", envOr("SWITCHBOARD_CALL_TWILIO_AUTH_TOKEN", demo.AuthToken), "its auth token, which signs the webhooks (SWITCHBOARD_CALL_TWILIO_AUTH_TOKEN)")
	apiAddr := fs.String("api-addr", softphoneAPI(), "where the softphone's fake Twilio REST API listens, which a demo engine relays to (SWITCHBOARD_CALL_API_ADDR)")
	answer := fs.Bool("answer", envBool("SWITCHBOARD_CALL_ANSWER"), "instead of calling, answer the calls a demo engine places (POST /api/v1/calls/outbound), one after another (SWITCHBOARD_CALL_ANSWER)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *publicURL == "" {
		*publicURL = *engineURL
	}
	number := *to
	switch {
	case *answer && (number != "" || *assistantID != 0):
		return fmt.Errorf("%w: --answer takes calls: it calls neither --assistant nor --to", errUsage)
	case !*answer && number == "":
		if *assistantID == 0 {
			return fmt.Errorf("%w: --assistant or --to is required (or --answer)", errUsage)
		}
		n, err := assistantNumber(ctx, *assistantID)
		if err != nil {
			return err
		}
		number = n
	}

	cloud, err := twiliotest.New(twiliotest.Config{Engine: strings.TrimSuffix(*engineURL, "/"),
		Public: strings.TrimSuffix(*publicURL, "/"), AccountSID: *accountSID, AuthToken: *authToken, APIAddr: *apiAddr,
		RefuseCalls: !*answer, Forget: *answer})
	if err != nil {
		return err
	}
	defer cloud.Close()
	lines := readLines(stdin)
	echo := !isTerminal(stdin)
	if *answer {
		return answerCalls(ctx, cloud, lines, stdout, echo)
	}
	fmt.Fprintf(stdout, "Calling %s from %s…\n", number, *from)
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	c, err := cloud.Dial(dctx, *from, number)
	cancel()
	if err != nil {
		return fmt.Errorf("call %s: %w", number, err)
	}
	fmt.Fprintf(stdout, "Connected (call %s). Type what you say, Enter to speak it; Ctrl-D hangs up.\n", c.SID)
	_, err = talk(ctx, cloud, c, lines, stdout, echo)
	return err
}

// answerCalls waits for the calls the engine places, and talks on each
// until stdin ends or ctx is done.
func answerCalls(ctx context.Context, cloud *twiliotest.Cloud, lines <-chan string, stdout io.Writer, echo bool) error {
	waiting := func() {
		fmt.Fprintln(stdout, "Waiting for calls: a demo engine's outbound calls (POST /api/v1/calls/outbound) ring here. Ctrl-D stops.")
	}
	waiting()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-lines:
			if !ok {
				return nil
			}
			fmt.Fprintln(stdout, "(no call to say it to)")
		case c := <-cloud.Placed():
			fmt.Fprintf(stdout, "Incoming call from %s to %s answered (call %s). Type what you say, Enter to speak it; Ctrl-D hangs up.\n",
				c.From, c.To, c.SID)
			stopped, err := talk(ctx, cloud, c, lines, stdout, echo)
			if stopped || err != nil {
				return err
			}
			waiting()
		}
	}
}

// talk runs the console of call c until it ends (stopped false) or the
// caller hangs up: stdin ended or ctx is done (stopped true).
func talk(ctx context.Context, cloud *twiliotest.Cloud, c *twiliotest.Call, lines <-chan string, stdout io.Writer, echo bool) (stopped bool, err error) {
	console := &console{out: stdout, call: c, echo: echo}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			c.HangUp()
			console.hungUp("you hung up")
			return true, nil
		case <-c.Done():
			console.update()
			console.hungUp("the call ended: " + c.Status())
			awaitHangUp(ctx, cloud, c.SID)
			return false, c.Err()
		case line, ok := <-lines:
			if !ok {
				c.HangUp()
				console.hungUp("you hung up")
				return true, nil
			}
			console.say(line)
		case <-tick.C:
			console.update()
		}
	}
}

// assistantNumber is the assistant's first active Twilio number.
func assistantNumber(ctx context.Context, id int64) (string, error) {
	pool, err := persistence.Open(ctx, databaseURL())
	if err != nil {
		return "", fmt.Errorf("looking up assistant %d's number (or pass --to): %w", id, err)
	}
	defer pool.Close()
	nums, err := persistence.NewStore(pool).AssistantNumbers(ctx, id, "twilio")
	if err != nil {
		return "", err
	}
	if len(nums) == 0 {
		return "", fmt.Errorf("assistant %d has no active Twilio number: assign one, or pass --to", id)
	}
	return nums[0].PhoneNumber, nil
}

// awaitHangUp gives the engine a moment to hang the ended call up through
// the REST API, as it does with Twilio, before the fake API goes away.
func awaitHangUp(ctx context.Context, cloud *twiliotest.Cloud, sid string) {
	deadline := time.After(2 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if slices.ContainsFunc(cloud.Requests(), func(r twiliotest.Request) bool { return strings.Contains(r.Path, sid) }) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-deadline:
			return
		case <-tick.C:
		}
	}
}

// readLines delivers stdin's lines until it ends.
func readLines(r io.Reader) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			out <- sc.Text()
		}
	}()
	return out
}

// isTerminal reports whether r is an interactive terminal, which echoes
// what is typed itself.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
