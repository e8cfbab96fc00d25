package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/knowledge/knowledgetest"
)

// famulorID is the id of a Famulor {data} answer.
func famulorDataID(body map[string]any) int64 {
	return int64(get(body, "data", "id").(float64))
}

func TestFamulorKnowledgebasesCRUD(t *testing.T) {
	h := newHarness(t)
	const kbs = "/api/user/knowledgebases"
	if status, body := h.call("GET", kbs, "", nil); status != http.StatusUnauthorized || body["message"] != "Unauthenticated." {
		t.Fatalf("no key: %d %v", status, body)
	}
	if status, body := h.call("POST", kbs, "sk-wrong", map[string]any{"name": "x"}); status != http.StatusUnauthorized {
		t.Fatalf("bad key: %d %v", status, body)
	}
	created := h.must(http.StatusCreated, "POST", kbs, h.keyA, map[string]any{"name": "Price list", "description": "2026 prices"})
	if created["message"] != "Knowledgebase created successfully" || get(created, "data", "name") != "Price list" ||
		get(created, "data", "description") != "2026 prices" || get(created, "data", "status") != "active" ||
		get(created, "data", "documents_count") != 0.0 || get(created, "data", "assistant_id") != nil {
		t.Fatalf("create: %v", created)
	}
	id := famulorDataID(created)
	one := fmt.Sprintf("%s/%d", kbs, id)

	// bad input names the field, in Laravel's shape, and writes nothing
	for _, tc := range []struct {
		method string
		body   any
		field  string
	}{
		{"POST", map[string]any{}, "name"},
		{"POST", map[string]any{"name": ""}, "name"},
		{"POST", map[string]any{"name": strings.Repeat("n", 256)}, "name"},
		{"POST", map[string]any{"name": "x", "description": strings.Repeat("d", 256)}, "description"},
		{"POST", map[string]any{"name": "x", "colour": "red"}, "colour"},
		{"POST", map[string]any{"name": 7}, "name"},
		{"PUT", map[string]any{"name": nil}, "name"},
		{"PATCH", map[string]any{"description": 3}, "description"},
	} {
		path := kbs
		if tc.method != "POST" {
			path = one
		}
		status, body := h.call(tc.method, path, h.keyA, tc.body)
		if fields := famulorErrors(h, status, body); len(fields) != 1 || fields[0] != tc.field {
			t.Errorf("%s %v: errors on %v, want %s", tc.method, tc.body, fields, tc.field)
		}
	}
	if status, body := h.call("POST", kbs, h.keyA, "{not json"); status != http.StatusUnprocessableEntity || body["errors"] == nil {
		t.Errorf("malformed body: %d %v", status, body)
	}

	// PUT and PATCH change only what they send; null clears the description
	if got := h.must(http.StatusOK, "PUT", one, h.keyA, map[string]any{"name": "Prices"}); get(got, "data", "name") != "Prices" ||
		get(got, "data", "description") != "2026 prices" || got["message"] != "Knowledgebase updated successfully" {
		t.Fatalf("put: %v", got)
	}
	if got := h.must(http.StatusOK, "PATCH", one, h.keyA, map[string]any{"description": nil}); get(got, "data", "name") != "Prices" ||
		get(got, "data", "description") != nil {
		t.Fatalf("patch: %v", got)
	}
	if got := h.must(http.StatusOK, "GET", one, h.keyA, nil); famulorDataID(got) != id || get(got, "data", "name") != "Prices" {
		t.Fatalf("get: %v", got)
	}
	list := h.must(http.StatusOK, "GET", kbs, h.keyA, nil)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["id"] != float64(id) {
		t.Fatalf("list: %v", list)
	}

	// another organization neither sees nor touches it
	if list := h.must(http.StatusOK, "GET", kbs, h.keyB, nil)["data"].([]any); len(list) != 0 {
		t.Fatalf("org B lists %v", list)
	}
	for _, r := range [][2]string{{"GET", one}, {"PUT", one}, {"PATCH", one}, {"DELETE", one}, {"GET", one + "/documents"},
		{"POST", one + "/documents"}, {"GET", one + "/documents/1"}, {"PATCH", one + "/documents/1"}, {"DELETE", one + "/documents/1"}} {
		status, body := h.call(r[0], r[1], h.keyB, map[string]any{"name": "stolen", "type": "website", "url": "https://example.com"})
		if status != http.StatusNotFound || body["message"] != "Knowledgebase not found" {
			t.Errorf("%s %s by org B: %d %v", r[0], r[1], status, body)
		}
	}
	for _, p := range []string{kbs + "/999999", kbs + "/abc", kbs + "/0"} {
		if status, body := h.call("GET", p, h.keyA, nil); status != http.StatusNotFound || body["message"] != "Knowledgebase not found" {
			t.Errorf("GET %s: %d %v", p, status, body)
		}
	}

	h.must(http.StatusOK, "DELETE", one, h.keyA, nil)
	if status, _ := h.call("GET", one, h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("deleted: %d", status)
	}
	if status, _ := h.call("DELETE", one, h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("deleted twice: %d", status)
	}
}

// famulorDoc waits for a document to leave processing and returns it.
func (h *harness) famulorDocSettled(path string) map[string]any {
	h.t.Helper()
	var d map[string]any
	testkit.Eventually(h.t, 30*time.Second, func() error {
		d = h.must(http.StatusOK, "GET", path, h.keyA, nil)
		if s := get(d, "data", "status"); s == "processing" {
			return fmt.Errorf("still %v", s)
		}
		return nil
	})
	return d
}

func TestFamulorKnowledgebaseDocuments(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html><body><h1>Rentals</h1><p>E-bikes cost 35 euros a day.</p></body></html>")
	}))
	t.Cleanup(page.Close)
	h := newHarnessWith(t, withEmbeddings(t, true))
	kb := famulorDataID(h.must(http.StatusCreated, "POST", "/api/user/knowledgebases", h.keyA, map[string]any{"name": "Shop"}))
	docs := fmt.Sprintf("/api/user/knowledgebases/%d/documents", kb)

	status, txt := h.upload(docs, h.keyA, "guide.md", []byte(guideText), map[string]string{"name": "Guide", "type": "txt", "description": "hours and prices"})
	if status != http.StatusCreated || txt["message"] != "Document created successfully" || get(txt, "data", "type") != "txt" ||
		get(txt, "data", "name") != "Guide" || get(txt, "data", "description") != "hours and prices" ||
		get(txt, "data", "knowledgebase_id") != float64(kb) {
		t.Fatalf("upload: %d %v", status, txt)
	}
	txtPath := fmt.Sprintf("%s/%d", docs, famulorDataID(txt))
	if d := h.famulorDocSettled(txtPath); get(d, "data", "status") != "ready" || get(d, "data", "chunks_count").(float64) < 1 {
		t.Fatalf("txt: %v", d)
	}
	_, pdf := h.upload(docs, h.keyA, "leaflet.pdf", knowledgetest.PDF("Rentals", "A city bike costs 18 euros a day."), map[string]string{"name": "Leaflet", "type": "pdf"})
	_, broken := h.upload(docs, h.keyA, "broken.pdf", knowledgetest.PDF("x")[:80], map[string]string{"name": "Broken", "type": "pdf"})
	site := h.must(http.StatusCreated, "POST", docs, h.keyA, map[string]any{"name": "Rentals", "type": "website", "url": page.URL + "/rentals.html"})
	if get(site, "data", "type") != "website" || get(site, "data", "url") != page.URL+"/rentals.html" {
		t.Fatalf("website: %v", site)
	}
	if d := h.famulorDocSettled(fmt.Sprintf("%s/%d", docs, famulorDataID(pdf))); get(d, "data", "status") != "ready" {
		t.Fatalf("pdf: %v", d)
	}
	if d := h.famulorDocSettled(fmt.Sprintf("%s/%d", docs, famulorDataID(broken))); get(d, "data", "status") != "error" || get(d, "data", "error") == nil {
		t.Fatalf("broken: %v", d)
	}
	if d := h.famulorDocSettled(fmt.Sprintf("%s/%d", docs, famulorDataID(site))); get(d, "data", "status") != "ready" {
		t.Fatalf("website: %v", d)
	}
	if list := h.must(http.StatusOK, "GET", docs, h.keyA, nil)["data"].([]any); len(list) != 4 {
		t.Fatalf("list: %v", list)
	}
	if got := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/user/knowledgebases/%d", kb), h.keyA, nil); get(got, "data", "documents_count") != 4.0 {
		t.Fatalf("count: %v", got)
	}

	// bad documents name their field
	for _, tc := range []struct {
		name, file string
		data       []byte
		fields     map[string]string
		field      string
	}{
		{"no type", "a.txt", []byte("x"), map[string]string{"name": "a"}, "type"},
		{"bad type", "a.txt", []byte("x"), map[string]string{"name": "a", "type": "csv"}, "type"},
		{"no name", "a.txt", []byte("x"), map[string]string{"type": "txt"}, "name"},
		{"no file", "", nil, map[string]string{"name": "a", "type": "pdf"}, "file"},
		{"type not the file's", "a.txt", []byte("plain words"), map[string]string{"name": "a", "type": "pdf"}, "type"},
		{"image", "photo.png", []byte("\x89PNG\r\n\x1a\nxxxx"), map[string]string{"name": "a", "type": "txt"}, "file"},
		{"empty", "a.txt", []byte{}, map[string]string{"name": "a", "type": "txt"}, "file"},
		{"duplicate", "again.md", []byte(guideText), map[string]string{"name": "again", "type": "txt"}, "file"},
		{"unknown field", "a.txt", []byte("x"), map[string]string{"name": "a", "type": "txt", "colour": "red"}, "colour"},
	} {
		status, body := h.upload(docs, h.keyA, tc.file, tc.data, tc.fields)
		if fields := famulorErrors(h, status, body); len(fields) != 1 || fields[0] != tc.field {
			t.Errorf("%s: errors on %v, want %s: %v", tc.name, fields, tc.field, body)
		}
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "w", "type": "website"}, "url"},
		{map[string]any{"name": "w", "type": "website", "url": "ftp://example.com/x"}, "url"},
		{map[string]any{"name": "w", "type": "website", "url": page.URL, "relative_links_limit": 5}, "relative_links_limit"},
		{map[string]any{"name": "w", "type": "website", "links": []any{map[string]any{"link": page.URL}}, "url": page.URL}, "links"},
		{map[string]any{"name": "w", "type": "pdf"}, "file"},
	} {
		status, body := h.call("POST", docs, h.keyA, tc.body)
		if fields := famulorErrors(h, status, body); len(fields) != 1 || fields[0] != tc.field {
			t.Errorf("%v: errors on %v, want %s: %v", tc.body, fields, tc.field, body)
		}
	}

	// rename, then delete; another organization reaches none of it
	if got := h.must(http.StatusOK, "PATCH", txtPath, h.keyA, map[string]any{"name": "Shop guide"}); get(got, "data", "name") != "Shop guide" ||
		get(got, "data", "description") != "hours and prices" {
		t.Fatalf("patch: %v", got)
	}
	if status, body := h.call("PUT", txtPath, h.keyA, map[string]any{"type": "pdf"}); len(famulorErrors(h, status, body)) != 1 {
		t.Fatalf("put of a field that is not writable: %d %v", status, body)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		if status, body := h.call(m, txtPath, h.keyB, map[string]any{"name": "x"}); status != http.StatusNotFound || body["message"] != "Knowledgebase not found" {
			t.Errorf("%s by org B: %d %v", m, status, body)
		}
	}
	if status, _ := h.upload(docs, h.keyB, "b.txt", []byte("x"), map[string]string{"name": "b", "type": "txt"}); status != http.StatusNotFound {
		t.Errorf("upload by org B: %d", status)
	}
	h.must(http.StatusOK, "DELETE", txtPath, h.keyA, nil)
	if status, body := h.call("GET", txtPath, h.keyA, nil); status != http.StatusNotFound || body["message"] != "Document not found" {
		t.Fatalf("deleted: %d %v", status, body)
	}
	if status, _ := h.call("GET", docs+"/abc", h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("bad document id: %d", status)
	}
}

// An assistant's knowledgebase_id attaches one of the organization's
// bases and knowledgebase_mode picks the tool or prompt injection; the
// same settings read back through Burki's view. Burki's documents of an
// assistant are its own base, listed by Famulor too.
func TestFamulorAssistantAttachesKnowledgebase(t *testing.T) {
	h := newHarnessWith(t, withEmbeddings(t, true))
	kb := famulorDataID(h.must(http.StatusCreated, "POST", "/api/user/knowledgebases", h.keyA, map[string]any{"name": "Shop"}))
	other := famulorDataID(h.must(http.StatusCreated, "POST", "/api/user/knowledgebases", h.keyB, map[string]any{"name": "Theirs"}))

	body := famulorCreate()
	body["knowledgebase_id"], body["knowledgebase_mode"] = kb, "prompt"
	id := int64(get(h.must(http.StatusCreated, "POST", "/api/user/assistant", h.keyA, body), "data", "id").(float64))
	item := famulorItem(h, h.keyA, id)
	if item["knowledgebase_id"] != float64(kb) || item["knowledgebase_mode"] != "prompt" {
		t.Fatalf("read back: %v %v", item["knowledgebase_id"], item["knowledgebase_mode"])
	}
	burki := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil)
	if get(burki, "rag_settings", "enabled") != true || get(burki, "rag_settings", "rag_inject_before_llm") != true ||
		get(burki, "rag_settings", "knowledge_base_id") != float64(kb) {
		t.Fatalf("Burki view: %v", burki["rag_settings"])
	}

	path := fmt.Sprintf("/api/user/assistant/%d", id)
	h.must(http.StatusOK, "PUT", path, h.keyA, map[string]any{"knowledgebase_mode": "function_call"})
	if item := famulorItem(h, h.keyA, id); item["knowledgebase_id"] != float64(kb) || item["knowledgebase_mode"] != "function_call" {
		t.Fatalf("function_call: %v %v", item["knowledgebase_id"], item["knowledgebase_mode"])
	}
	version := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil)["version"]
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"knowledgebase_id": other}, "knowledgebase_id"}, // another organization's
		{map[string]any{"knowledgebase_id": 999999}, "knowledgebase_id"},
		{map[string]any{"knowledgebase_id": "one"}, "knowledgebase_id"},
		{map[string]any{"knowledgebase_id": 0}, "knowledgebase_id"},
		{map[string]any{"knowledgebase_mode": "sometimes"}, "knowledgebase_mode"},
		{map[string]any{"knowledgebase_id": nil, "knowledgebase_mode": "prompt"}, "knowledgebase_mode"},
	} {
		status, body := h.call("PUT", path, h.keyA, tc.body)
		if fields := famulorErrors(h, status, body); len(fields) != 1 || fields[0] != tc.field {
			t.Errorf("%v: errors on %v, want %s: %v", tc.body, fields, tc.field, body)
		}
	}
	if v := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil)["version"]; v != version {
		t.Fatalf("a refused write changed the assistant: version %v, was %v", v, version)
	}

	// Burki's view refuses another organization's base too, naming the field
	status, refused := h.call("PATCH", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA,
		map[string]any{"rag_settings": map[string]any{"knowledge_base_id": other}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(refused), "knowledge_base_id") {
		t.Fatalf("Burki attach of another organization's base: %d %v", status, refused)
	}

	// an attached base is not deleted from under its assistants
	status, conflict := h.call("DELETE", fmt.Sprintf("/api/user/knowledgebases/%d", kb), h.keyA, nil)
	if status != http.StatusConflict || !strings.Contains(fmt.Sprint(conflict["message"]), fmt.Sprint(id)) {
		t.Fatalf("delete while attached: %d %v", status, conflict)
	}
	h.must(http.StatusOK, "PUT", path, h.keyA, map[string]any{"knowledgebase_id": nil})
	item = famulorItem(h, h.keyA, id)
	burki = h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/assistants/%d", id), h.keyA, nil)
	if item["knowledgebase_id"] != nil || item["knowledgebase_mode"] != nil || get(burki, "rag_settings", "enabled") != false ||
		get(burki, "rag_settings", "knowledge_base_id") != nil {
		t.Fatalf("detached: %v %v %v", item["knowledgebase_id"], item["knowledgebase_mode"], burki["rag_settings"])
	}
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/user/knowledgebases/%d", kb), h.keyA, nil)

	// Burki's documents of an assistant are in its own base, which the
	// Famulor view lists and reads
	b := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"Burki kb","rag_settings":{"enabled":true}}`)
	_, doc := h.upload(fmt.Sprintf("/api/v1/assistants/%v/documents/upload", b["id"]), h.keyA, "guide.md", []byte(guideText), nil)
	list := h.must(http.StatusOK, "GET", "/api/user/knowledgebases", h.keyA, nil)["data"].([]any)
	if len(list) != 1 || get(list[0], "assistant_id") != b["id"] || get(list[0], "documents_count") != 1.0 || get(list[0], "name") != "Burki kb" {
		t.Fatalf("own base: %v", list)
	}
	own := int64(get(list[0], "id").(float64))
	d := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/user/knowledgebases/%d/documents/%v", own, doc["id"]), h.keyA, nil)
	if get(d, "data", "name") != "guide.md" || get(d, "data", "type") != "txt" {
		t.Fatalf("own document: %v", d)
	}
	if doc["knowledge_base_id"] != float64(own) || doc["assistant_id"] != b["id"] {
		t.Fatalf("Burki document: %v", doc)
	}
}
