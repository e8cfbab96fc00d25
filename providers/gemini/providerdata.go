package gemini

import "strings"

// callInfo is what the service said about a function call that must go
// back with it in later requests: the thought signature Gemini 3 requires,
// and whether the call ID was the service's (sent back) or ours (not sent).
// It travels in voice.ToolCall.ProviderData, so it survives in the call's
// history whichever process or client sends the next request.
type callInfo struct {
	signature string
	serviceID bool
}

// encode renders the info for ProviderData: "s:" or "g:" (service or
// generated ID) then the signature; nothing for a generated ID without one.
func (i callInfo) encode() string {
	if i == (callInfo{}) {
		return ""
	}
	if i.serviceID {
		return "s:" + i.signature
	}
	return "g:" + i.signature
}

func decodeInfo(s string) callInfo {
	kind, sig, ok := strings.Cut(s, ":")
	if !ok {
		return callInfo{}
	}
	return callInfo{signature: sig, serviceID: kind == "s"}
}
