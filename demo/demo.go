// Package demo sets up a demo organization, assistant and phone number on
// an engine whose providers are the built-in fakes, so that `make run`
// works without any credentials and `switchboard call` can talk to it.
package demo

import (
	"context"
	"crypto/sha256"
	_ "embed" // the guide
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// The demo's fixed names and credentials. The Twilio account is the one
// `switchboard call` plays: it is fake, and so are these.
const (
	Email      = "demo@switchboard.local"
	Number     = "+15550100100"
	AccountSID = "AC00000000000000000000000000000000"
	AuthToken  = "demo-twilio-auth-token"
	Name       = "Demo receptionist"
)

// Script is what the demo's fake model answers: a receptionist of a
// bicycle shop, with a tool call and a goodbye, and a fixed summary of
// each call (its evaluation and any extracted data are made up by the
// fake from their schemas).
var Script = openaifake.Script{
	Rules: []openaifake.Rule{
		{Contains: "Summarize this call", Reply: "A caller rang the bike shop; the receptionist answered about opening hours and repairs."},
		{Contains: "hours", Reply: "We are open from nine to six, Monday to Saturday."},
		// questions the shop's guide answers go to its knowledge base
		{Regexp: `(?i)\b(price|prices|cost|costs|how much|rent|rental|warranty|parking|park|where|address|pay|instalments?|trade|deposit|kids?|children)\b`,
			ToolCalls: []openaifake.ToolCall{{Name: knowledge.ToolName, Arguments: []byte(`{"query": "{user}"}`)}},
			AfterTool: "Our customer guide says: {result}"},
		{Contains: "repair", Reply: "We can look at your bike tomorrow morning. Shall I book you in?"},
		{Regexp: `(?i)\b(yes|please|book)\b`, Reply: "Done: you are booked for tomorrow at nine. Anything else?"},
		{Regexp: `(?i)\b(bye|goodbye|that's all|nothing else)\b`, Reply: "Thank you for calling. Goodbye!",
			ToolCalls: []openaifake.ToolCall{{Name: "end_call", Arguments: []byte(`{}`)}}},
	},
	Default: "You said: {user}. I can tell you our hours or book a repair.",
}

// Info is what the demo set up.
type Info struct {
	OrganizationID int64
	AssistantID    int64
	Number         string
}

// Setup creates (or finds) the demo assistant in organization org, with
// its own fake Twilio account (the organization's carrier settings stay
// as they are) and its number. It is idempotent.
func Setup(ctx context.Context, e *engine.Engine, org string) (Info, error) {
	o, err := e.Store.EnsureOrganization(ctx, org)
	if err != nil {
		return Info{}, fmt.Errorf("demo: %w", err)
	}
	user, err := e.Store.EnsureUser(ctx, o.ID, Email, auth.RoleAdmin)
	if err != nil {
		return Info{}, fmt.Errorf("demo: %w", err)
	}
	info := Info{OrganizationID: o.ID, Number: Number}
	n, err := e.Store.PhoneNumberByNumber(ctx, Number)
	switch {
	case err == nil && n.OrganizationID != o.ID:
		return Info{}, fmt.Errorf("demo: %s belongs to organization %d, not %q", Number, n.OrganizationID, org)
	case err == nil && n.AssistantID != nil:
		info.AssistantID = *n.AssistantID
		return info, addGuide(ctx, e, info)
	case err != nil && !errors.Is(err, persistence.ErrNotFound):
		return Info{}, fmt.Errorf("demo: %w", err)
	}
	w, err := assistant.ParseWrite(fmt.Appendf(nil, `{
		"name": %q,
		"description": "Answers the demo number with the built-in fake providers.",
		"llm_settings": {"system_prompt": "You are the receptionist of a bicycle shop.",
			"welcome_message": "Hello, thanks for calling the bike shop. How can I help?"},
		"tools_settings": {"end_call": {"enabled": true, "scenarios": ["the caller says goodbye"]}},
		"rag_settings": {"enabled": true, "search_limit": 1, "similarity_threshold": 0.2, "chunk_size": 300, "chunk_overlap": 50,
			"include_metadata": false},
		"twilio_config": {"account_sid": %q, "auth_token": %q}
	}`, Name, AccountSID, AuthToken))
	if err != nil {
		return Info{}, fmt.Errorf("demo: %w", err)
	}
	snap, err := e.Assistants.Create(ctx, auth.Principal{OrganizationID: o.ID, UserID: user, Role: auth.RoleAdmin}, w)
	if err != nil {
		return Info{}, fmt.Errorf("demo: assistant: %w", err)
	}
	info.AssistantID = snap.ID
	if n.ID != 0 { // the number exists without an assistant
		_, err = e.Store.UpdatePhoneNumber(ctx, o.ID, n.ID, persistence.PhoneNumberUpdate{AssistantID: &snap.ID, SetAssistant: true})
	} else {
		friendly := "Demo line"
		_, err = e.Store.CreatePhoneNumber(ctx, persistence.PhoneNumber{OrganizationID: o.ID, PhoneNumber: Number,
			Provider: "twilio", FriendlyName: &friendly, AssistantID: &snap.ID, IsActive: true})
	}
	if err != nil {
		return Info{}, fmt.Errorf("demo: number: %w", err)
	}
	return info, addGuide(ctx, e, info)
}

// Guide is the shop's customer guide, the demo assistant's knowledge base.
//
//go:embed bike-shop.md
var Guide []byte

// GuideName is the guide's document name.
const GuideName = "bike-shop.md"

// addGuide puts the guide into the assistant's knowledge base, processed
// like an upload, unless it is there already.
func addGuide(ctx context.Context, e *engine.Engine, info Info) error {
	snap, err := e.Assistants.Get(ctx, info.OrganizationID, info.AssistantID)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	rs := snap.Config.RAGSettings
	sum := sha256.Sum256(Guide)
	kb, err := e.Store.AssistantKnowledgeBase(ctx, info.OrganizationID, info.AssistantID, snap.Config.Name, time.Now())
	if err != nil {
		return fmt.Errorf("demo: guide: %w", err)
	}
	_, err = e.Store.InsertDocument(ctx, persistence.NewDocument{Document: persistence.Document{
		KnowledgeBaseID: kb.ID, OrganizationID: info.OrganizationID, Name: GuideName, OriginalFilename: GuideName,
		ContentType: knowledge.ContentType(knowledge.TypeMarkdown), DocumentType: knowledge.TypeMarkdown, FileHash: hex.EncodeToString(sum[:]),
		ChunkingStrategy: rs.ChunkingStrategy, ChunkSize: rs.ChunkSize, ChunkOverlap: rs.ChunkOverlap, EmbeddingModel: rs.EmbeddingModel},
		Content: Guide, Queue: true}, time.Now())
	switch {
	case errors.Is(err, persistence.ErrDuplicate):
		return nil
	case err != nil:
		return fmt.Errorf("demo: guide: %w", err)
	}
	e.Documents.Kick()
	return nil
}
