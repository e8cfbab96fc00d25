package voice

// CallInfo describes a call to the parts that serve it: provider clients
// pick keys and limits by its organization and assistant, tools address
// its caller, recordings and texts name it.
type CallInfo struct {
	ID             string // the carrier's call ID (Twilio CallSid…)
	OrganizationID int64
	AssistantID    int64
	From, To       string
	Direction      string // inbound or outbound
	Carrier        string // twilio, telnyx, vonage, plivo, web
}
