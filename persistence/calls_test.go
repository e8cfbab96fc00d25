package persistence_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/voice"
)

// callStore is a fresh database with an organization and two assistants.
func callStore(t *testing.T) (*persistence.Store, int64, [2]int64) {
	t.Helper()
	ctx := context.Background()
	s := persistence.NewStore(pgtest.Pool(t))
	org, err := s.EnsureOrganization(ctx, "Org")
	if err != nil {
		t.Fatal(err)
	}
	var ids [2]int64
	for i := range ids {
		id, _ := s.NextAssistantID(ctx)
		if _, err := s.InsertAssistant(ctx, persistence.AssistantRow{ID: id, OrganizationID: org.ID, Name: "A", IsActive: true,
			Config: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return s, org.ID, ids
}

// call writes a whole call: started at start, ended reason after d (no end
// when reason is empty), with a conversation.
func writeCall(t *testing.T, s *persistence.Store, sid string, org, asst int64, caller string, start time.Time, d time.Duration,
	reason string, conv []voice.Message) {
	t.Helper()
	recs := []persistence.Record{{Kind: persistence.RecordStarted, CallSID: sid, Seq: 1, At: start,
		Call: &persistence.CallInfo{OrganizationID: org, AssistantID: asst, From: caller, To: "+15550000000", Direction: "inbound", Carrier: "twilio"}}}
	if conv != nil {
		h := persistence.Record{Kind: persistence.RecordHistory, CallSID: sid, Seq: 2, At: start}
		for _, m := range conv {
			h.Messages = append(h.Messages, persistence.NewChatMessage(m))
		}
		recs = append(recs, h)
	}
	if reason != "" {
		recs = append(recs, persistence.Record{Kind: persistence.RecordEnded, CallSID: sid, Seq: 3, At: start.Add(d),
			End: &persistence.CallEnd{Reason: reason, DurationMS: d.Milliseconds()}})
	}
	if err := s.WriteRecords(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func TestAssistantStats(t *testing.T) {
	s, org, a := callStore(t)
	now := time.Now()
	writeCall(t, s, "C1", org, a[0], "+15550000001", now, 60*time.Second, events.EndCallerHungUp, nil)
	writeCall(t, s, "C2", org, a[0], "+15550000002", now, 30*time.Second, events.EndTransferred, nil)
	writeCall(t, s, "C3", org, a[0], "+15550000003", now, 10*time.Second, events.EndError, nil)
	writeCall(t, s, "C4", org, a[0], "+15550000004", now, 0, "", nil) // still live
	stats, err := s.AssistantStatsMany(context.Background(), []int64{a[0], a[1]})
	if err != nil {
		t.Fatal(err)
	}
	got := stats[a[0]]
	if got.TotalCalls != 4 || *got.AvgCallDuration != 33 || *got.SuccessRate != 66.7 {
		t.Fatalf("stats %d %d %v", got.TotalCalls, *got.AvgCallDuration, *got.SuccessRate)
	}
	if none := stats[a[1]]; none.TotalCalls != 0 || none.AvgCallDuration != nil || none.SuccessRate != nil {
		t.Fatalf("an assistant without calls: %+v", none)
	}
	one, err := s.AssistantStats(context.Background(), a[0])
	if err != nil || one.TotalCalls != 4 {
		t.Fatalf("one assistant: %+v %v", one, err)
	}
}

func TestRecentConversation(t *testing.T) {
	s, org, a := callStore(t)
	ctx := context.Background()
	now := time.Now()
	older := []voice.Message{{Role: voice.RoleSystem, Content: "sys"}, {Role: voice.RoleUser, Content: "first call"}}
	last := []voice.Message{{Role: voice.RoleSystem, Content: "sys"}, {Role: voice.RoleUser, Content: "book it"},
		{Role: voice.RoleAssistant, ToolCalls: []voice.ToolCall{{ID: "c1", Name: "book", Arguments: `{"day":"mon"}`, ProviderData: "sig"}}},
		{Role: voice.RoleTool, Content: "booked", ToolCallID: "c1"}, {Role: voice.RoleAssistant, Content: "Done."}}
	writeCall(t, s, "C1", org, a[0], "+15550000001", now.Add(-12*time.Minute), time.Minute, events.EndCallerHungUp, older)
	writeCall(t, s, "C2", org, a[0], "+15550000001", now.Add(-6*time.Minute), time.Minute, events.EndCallerHungUp, last)
	writeCall(t, s, "C3", org, a[0], "+15550000009", now.Add(-40*time.Minute), time.Minute, events.EndCallerHungUp, older)
	writeCall(t, s, "C4", org, a[1], "+15550000001", now.Add(-time.Minute), 0, "", older) // live, other assistant

	got, err := s.RecentConversation(ctx, a[0], "+15550000001", 15*time.Minute)
	if err != nil || !reflect.DeepEqual(got, last) {
		t.Fatalf("continued %+v, %v", got, err)
	}
	for _, c := range []struct {
		asst   int64
		caller string
	}{{a[0], "+15550000009"}, {a[0], "+15550000002"}, {a[1], "+15550000001"}} {
		if got, err := s.RecentConversation(ctx, c.asst, c.caller, 15*time.Minute); err != nil || len(got) != 0 {
			t.Fatalf("%v: %+v, %v", c, got, err)
		}
	}
}

// A caller who keeps calling back continues a bounded tail of the last
// conversation, from one of their own messages on, not the whole chain
// of every earlier call's conversation.
func TestRecentConversationIsBounded(t *testing.T) {
	s, org, a := callStore(t)
	conv := []voice.Message{{Role: voice.RoleSystem, Content: "sys"}}
	for i := range 60 { // 180 messages: what a caller's 60th call back would carry
		conv = append(conv, voice.Message{Role: voice.RoleUser, Content: "book " + strconv.Itoa(i)},
			voice.Message{Role: voice.RoleAssistant, ToolCalls: []voice.ToolCall{{ID: "c" + strconv.Itoa(i), Name: "book", Arguments: "{}"}}},
			voice.Message{Role: voice.RoleTool, Content: "booked", ToolCallID: "c" + strconv.Itoa(i)})
	}
	conv = append(conv, voice.Message{Role: voice.RoleAssistant, Content: "Done."})
	writeCall(t, s, "C1", org, a[0], "+15550000001", time.Now().Add(-time.Minute), time.Second, events.EndCallerHungUp, conv)

	got, err := s.RecentConversation(context.Background(), a[0], "+15550000001", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > persistence.ContinuedMessages || len(got) < persistence.ContinuedMessages-2 {
		t.Fatalf("continued %d messages of %d; want the last %d, less up to 2 to start at a caller's", len(got), len(conv), persistence.ContinuedMessages)
	}
	if got[0].Role != voice.RoleUser || !reflect.DeepEqual(got, conv[len(conv)-len(got):]) {
		t.Fatalf("continued %+v…; want the conversation's tail from a caller's message", got[:2])
	}
}
