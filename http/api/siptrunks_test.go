package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestSIPTrunks(t *testing.T) {
	h := newHarness(t)
	// No open relay: a trunk must say who may send calls.
	h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/sip-trunks", h.keyA, `{"name":"open"}`)
	status, out := h.call("POST", "/api/v1/sip-trunks", h.keyA,
		`{"name":"pbx","allowed_addresses":["10.0.0.1","not-an-ip"],"inbound_username":"pbx","outbound_address":"sip:pbx.example.com",`+
			`"outbound_transport":"tls","outbound_username":"acct"}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "allowed_addresses 1") ||
		!strings.Contains(fmt.Sprint(out), "inbound_password") || !strings.Contains(fmt.Sprint(out), "outbound_address") ||
		strings.Contains(fmt.Sprint(out), "outbound_transport") || !strings.Contains(fmt.Sprint(out), "outbound_password") {
		t.Fatalf("bad trunk: %d %v", status, out)
	}
	status, out = h.call("POST", "/api/v1/sip-trunks", h.keyA,
		`{"name":"pbx","allowed_addresses":["10.0.0.1"],"outbound_address":"pbx.example.com","outbound_transport":"sctp"}`)
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "outbound_transport") {
		t.Fatalf("transport sctp: %d %v", status, out)
	}

	tr := h.must(http.StatusCreated, "POST", "/api/v1/sip-trunks", h.keyA,
		`{"name":"Asterisk","allowed_addresses":["192.0.2.7","2001:db8::/32"],"inbound_username":"pbx","inbound_password":"s3cret-pass"}`)
	if tr["inbound_password"] != "********" || tr["is_active"] != true ||
		fmt.Sprint(tr["allowed_addresses"]) != "[192.0.2.7 2001:db8::/32]" {
		t.Fatalf("created %v", tr)
	}
	path := fmt.Sprintf("/api/v1/sip-trunks/%v", tr["id"])
	// Sealed at rest.
	var stored string
	if err := h.pool.QueryRow(context.Background(), `SELECT inbound_password FROM sip_trunks`).Scan(&stored); err != nil ||
		strings.Contains(stored, "s3cret") || stored == "" {
		t.Fatalf("stored password %q, %v", stored, err)
	}
	// PUT with the masked password keeps it; the rest is replaced.
	tr = h.must(http.StatusOK, "PUT", path, h.keyA,
		`{"name":"Asterisk 2","allowed_addresses":["198.51.100.0/24"],"inbound_username":"pbx","inbound_password":"********"}`)
	var kept string
	_ = h.pool.QueryRow(context.Background(), `SELECT inbound_password FROM sip_trunks`).Scan(&kept)
	if tr["name"] != "Asterisk 2" || kept != stored || fmt.Sprint(tr["allowed_addresses"]) != "[198.51.100.0/24]" {
		t.Fatalf("replaced %v (password kept: %v)", tr, kept == stored)
	}
	if d := h.must(http.StatusOK, "POST", path+"/disable", h.keyA, nil); d["is_active"] != false {
		t.Fatalf("disabled %v", d)
	}
	if e := h.must(http.StatusOK, "POST", path+"/enable", h.keyA, nil); e["is_active"] != true {
		t.Fatalf("enabled %v", e)
	}
	if l := h.must(http.StatusOK, "GET", "/api/v1/sip-trunks", h.keyA, nil); l["total"] != float64(1) {
		t.Fatalf("list %v", l)
	}
	// Scoped to the organization.
	h.must(http.StatusNotFound, "GET", path, h.keyB, nil)
	h.must(http.StatusNotFound, "PUT", path, h.keyB, `{"name":"x","allowed_addresses":["10.0.0.1"]}`)
	h.must(http.StatusNotFound, "POST", path+"/disable", h.keyB, nil)
	h.must(http.StatusNotFound, "DELETE", path, h.keyB, nil)
	if l := h.must(http.StatusOK, "GET", "/api/v1/sip-trunks", h.keyB, nil); l["total"] != float64(0) {
		t.Fatalf("other organization's list %v", l)
	}

	// Numbers: provider sip, tied to a trunk of the organization only.
	n := h.must(http.StatusCreated, "POST", "/api/v1/phone-numbers", h.keyA,
		fmt.Sprintf(`{"phone_number":"+14155550142","provider":"sip","sip_trunk_id":%v}`, tr["id"]))
	if n["sip_trunk_id"] != tr["id"] || n["provider"] != "sip" {
		t.Fatalf("number %v", n)
	}
	h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/phone-numbers", h.keyB,
		fmt.Sprintf(`{"phone_number":"+14155550143","provider":"sip","sip_trunk_id":%v}`, tr["id"]))
	h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/phone-numbers", h.keyA,
		fmt.Sprintf(`{"phone_number":"+14155550144","provider":"twilio","sip_trunk_id":%v}`, tr["id"]))
	trunks, err := h.store.InboundSIPTrunks(context.Background(), "+14155550142")
	if err != nil || len(trunks) != 1 {
		t.Fatalf("inbound trunks %v, %v", trunks, err)
	}
	np := fmt.Sprintf("/api/v1/phone-numbers/%v", n["id"])
	if p := h.must(http.StatusOK, "PATCH", np, h.keyA, `{"sip_trunk_id":null}`); p["sip_trunk_id"] != nil {
		t.Fatalf("untied %v", p)
	}
	// The outbound side: the number's calls go out through the trunk.
	if _, err := h.store.OutboundSIPTrunk(context.Background(), 0, "+14155550142"); err == nil {
		t.Fatal("a trunk without an outbound address places calls")
	}
	h.must(http.StatusUnprocessableEntity, "PUT", path, h.keyA, `{"name":"Asterisk 2","allowed_addresses":["198.51.100.0/24"],"caller_id":"+14155550100"}`)
	tr = h.must(http.StatusOK, "PUT", path, h.keyA, `{"name":"Asterisk 2","allowed_addresses":["198.51.100.0/24"],`+
		`"outbound_address":"sip.example.com:5080","outbound_transport":"tls","outbound_username":"acct","outbound_password":"out-secret","caller_id":"+14155550100"}`)
	if tr["outbound_password"] != "********" || tr["outbound_address"] != "sip.example.com:5080" || tr["outbound_transport"] != "tls" ||
		tr["caller_id"] != "+14155550100" || tr["inbound_password"] != nil {
		t.Fatalf("outbound side %v", tr)
	}
	ob, err := h.store.OutboundSIPTrunk(context.Background(), int64(tr["organization_id"].(float64)), "+14155550142")
	if err != nil || ob.OutboundPassword == nil || strings.Contains(*ob.OutboundPassword, "out-secret") {
		t.Fatalf("outbound trunk %+v, %v", ob, err)
	}
	h.must(http.StatusOK, "DELETE", path, h.keyA, nil)
	h.must(http.StatusNotFound, "GET", path, h.keyA, nil)
	if trunks, _ := h.store.InboundSIPTrunks(context.Background(), "+14155550142"); len(trunks) != 0 {
		t.Fatalf("a deleted trunk still delivers: %v", trunks)
	}
}
