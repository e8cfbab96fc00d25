package bench

import (
	"strings"

	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// What every simulated caller says, and what the fake model answers.
// Every reply opens with the same short sentence, so each turn waits for
// the same number of tokens before the engine can synthesise (see
// Latencies.TurnDelay).
const (
	replyOpening = "Sure. "
	greeting     = "Hello, thanks for calling the bike shop. How can I help?"
	greetingEnd  = "help?"

	askHours    = "what are your opening hours"
	hoursReply  = replyOpening + "We are open from nine to six, Monday to Saturday."
	askRepair   = "can you repair my bike"
	repairReply = replyOpening + "We can look at it tomorrow, and most repairs are done by the evening."
	askPrices   = "how much does a service cost"
	pricesReply = replyOpening + "A basic service is forty pounds, a full service with new cables and brake pads is ninety, and wheels are trued for fifteen pounds each while you wait."
	backchannel = "mm-hmm"
	bargeIn     = "sorry one more question"
	bargeReply  = replyOpening + "Go ahead, I am listening."
)

// turnsPerCall are the answers to questions asked on a quiet line that a
// script times.
const turnsPerCall = 3

// Script is the fake model's side of the conversation.
var Script = openaifake.Script{
	Rules: []openaifake.Rule{
		{Contains: "hours", Reply: hoursReply},
		{Contains: "repair", Reply: repairReply},
		{Contains: "service", Reply: pricesReply},
		{Contains: "question", Reply: bargeReply},
	},
	Default: replyOpening + "I can tell you our hours or book a repair.",
}

// firstSentenceTokens is how many tokens the model streams before the
// engine can cut the reply's first sentence: through the space after it.
var firstSentenceTokens = tokensThrough(replyOpening + "x")

// tokensThrough counts the fake model's tokens up to and including the
// one completing text's first sentence and the space after it.
func tokensThrough(text string) int {
	var sb strings.Builder
	for i, tok := range openaifake.Tokens(text) {
		sb.WriteString(tok)
		if s := sb.String(); strings.Contains(s, ". ") || strings.Contains(s, "? ") || strings.Contains(s, "! ") {
			return i + 1
		}
	}
	return 0
}
