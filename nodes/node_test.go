package nodes

import (
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/persistence"
)

func TestParseProvider(t *testing.T) {
	for in, want := range map[string]Provider{"": Alone, "none": Alone, "etcd": Etcd, "ETCD": Etcd,
		"kubernetes": Kubernetes, "k8s": Kubernetes} {
		if got, err := ParseProvider(in); err != nil || got != want {
			t.Errorf("ParseProvider(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseProvider("consul"); err == nil {
		t.Error("ParseProvider(consul) accepted a provider that is not compiled in")
	}
}

func TestJoinRefusesBadSettingsBeforeStarting(t *testing.T) {
	for _, cfg := range []Config{
		{Provider: Etcd, Listen: "127.0.0.1"},       // no port
		{Provider: Etcd, Listen: "127.0.0.1:70000"}, // bad port
		{Provider: Etcd, Listen: "127.0.0.1:0"},     // no endpoints
		{Provider: "consul", Listen: "127.0.0.1:0"}, // not compiled in
	} {
		if _, err := Join(nil, cfg); err == nil {
			t.Errorf("Join(%+v) succeeded", cfg)
		}
	}
}

// A change survives the trip through protobuf as stored: ids, version,
// times to the microsecond, the sealed document, the absent user.
func TestCommittedRoundTrip(t *testing.T) {
	user := int64(7)
	at := time.Date(2026, 12, 7, 10, 0, 0, 123456000, time.UTC)
	for _, c := range []assistants.Committed{
		{Row: persistence.AssistantRow{ID: 3, UUID: "u-3", OrganizationID: 2, UserID: &user, Version: 5,
			Config: []byte(`{"name":"x"}`), CreatedAt: at, UpdatedAt: at.Add(time.Second)}},
		{Row: persistence.AssistantRow{ID: 4, OrganizationID: 2, Version: 1, Config: []byte(`{}`), CreatedAt: at, UpdatedAt: at}},
		{Row: persistence.AssistantRow{ID: 5, OrganizationID: 2}, Deleted: true},
	} {
		got := fromProto(toProto(c))
		if got.Deleted != c.Deleted || got.Row.ID != c.Row.ID || got.Row.OrganizationID != c.Row.OrganizationID ||
			got.Row.UUID != c.Row.UUID || got.Row.Version != c.Row.Version || string(got.Row.Config) != string(c.Row.Config) ||
			!got.Row.CreatedAt.Equal(c.Row.CreatedAt) || !got.Row.UpdatedAt.Equal(c.Row.UpdatedAt) ||
			(got.Row.UserID == nil) != (c.Row.UserID == nil) || (c.Row.UserID != nil && *got.Row.UserID != *c.Row.UserID) {
			t.Errorf("round trip of %+v gave %+v", c, got)
		}
	}
}
