package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/engine"
	"github.com/switchboard-voice/switchboard/internal/testkit"
	"github.com/switchboard-voice/switchboard/knowledge/knowledgetest"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
)

// withEmbeddings points the engine's OpenAI endpoint at an embeddings fake.
func withEmbeddings(t *testing.T, private bool) func(*engine.Config) {
	srv := httptest.NewServer(embeddingsfake.New(embeddingsfake.Options{}))
	t.Cleanup(srv.Close)
	env := map[string]string{"OPENAI_API_KEY": "sk-test", "SWITCHBOARD_OPENAI_BASE_URL": srv.URL + "/v1"}
	return func(c *engine.Config) {
		c.Getenv = func(k string) string { return env[k] }
		c.AllowPrivateURLs = private
	}
}

// upload posts a multipart form: a file (name, data) unless name is
// empty, and fields.
func (h *harness) upload(path, key, name string, data []byte, fields map[string]string) (int, map[string]any) {
	h.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		_, _ = fw.Write(data)
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, h.base+path, &body)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatalf("non-JSON answer %d %q", resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// settled waits for a document to finish processing and returns its status.
func (h *harness) settled(docs string, id any) map[string]any {
	h.t.Helper()
	var st map[string]any
	testkit.Eventually(h.t, 30*time.Second, func() error {
		st = h.must(http.StatusOK, "GET", fmt.Sprintf("%s/%v/status", docs, id), h.keyA, nil)
		if s := st["processing_status"]; s == "pending" || s == "processing" {
			return fmt.Errorf("still %v", s)
		}
		return nil
	})
	return st
}

const guideText = "# Opening hours\n\nWe are open Monday to Friday from 9 am to 6 pm.\n\n# Prices\n\nA basic service costs 49 euros."

func TestDocumentsUploadProcessListDelete(t *testing.T) {
	h := newHarnessWith(t, withEmbeddings(t, true))
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA,
		`{"name":"kb","rag_settings":{"enabled":true,"chunk_size":100,"chunk_overlap":20}}`)
	docs := fmt.Sprintf("/api/v1/assistants/%v/documents", a["id"])

	status, md := h.upload(docs+"/upload", h.keyA, "guide.md", []byte(guideText), map[string]string{"name": "Shop guide"})
	if status != http.StatusCreated || md["processing_status"] != "pending" || md["document_type"] != "markdown" ||
		md["name"] != "Shop guide" || md["original_filename"] != "guide.md" || md["chunk_size"] != 100.0 || md["embedding_model"] != "text-embedding-3-small" {
		t.Fatalf("upload: %d %v", status, md)
	}
	st := h.settled(docs, md["id"])
	if st["processing_status"] != "completed" || st["total_chunks"].(float64) < 2 || st["searchable"] != true || st["progress_percentage"] != 100.0 {
		t.Fatalf("status: %v", st)
	}
	if status, body := h.upload(docs+"/upload", h.keyA, "again.md", []byte(guideText), nil); status != http.StatusConflict {
		t.Fatalf("duplicate: %d %v", status, body)
	}
	// a PDF and a DOCX, then a broken PDF that fails with a reason
	_, pdf := h.upload(docs+"/upload", h.keyA, "leaflet.pdf", knowledgetest.PDF("Rentals", "A city bike costs 18 euros a day."), nil)
	_, docx := h.upload(docs+"/upload", h.keyA, "warranty.docx", knowledgetest.DOCX("Frames have a lifetime warranty."), nil)
	_, broken := h.upload(docs+"/upload", h.keyA, "broken.pdf", knowledgetest.PDF("x")[:80], nil)
	if st := h.settled(docs, pdf["id"]); st["processing_status"] != "completed" || st["page_count"] != 2.0 {
		t.Fatalf("pdf: %v", st)
	}
	if st := h.settled(docs, docx["id"]); st["processing_status"] != "completed" {
		t.Fatalf("docx: %v", st)
	}
	if st := h.settled(docs, broken["id"]); st["processing_status"] != "failed" || st["processing_error"] == nil {
		t.Fatalf("broken: %v", st)
	}

	_, raw := h.raw("GET", docs, h.keyA, nil)
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil || len(list) != 4 || list[0]["id"] != broken["id"] {
		t.Fatalf("list: %s", raw)
	}
	// another organization sees none of it
	if status, _ := h.call("GET", docs, h.keyB, nil); status != http.StatusNotFound {
		t.Fatalf("org B list: %d", status)
	}
	if status, _ := h.call("DELETE", fmt.Sprintf("%s/%v", docs, md["id"]), h.keyB, nil); status != http.StatusNotFound {
		t.Fatalf("org B delete: %d", status)
	}
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("%s/%v", docs, md["id"]), h.keyA, nil)
	if status, _ := h.call("GET", fmt.Sprintf("%s/%v/status", docs, md["id"]), h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("deleted: %d", status)
	}
	if status, _ := h.call("DELETE", fmt.Sprintf("%s/%v", docs, md["id"]), h.keyA, nil); status != http.StatusNotFound {
		t.Fatalf("deleted twice: %d", status)
	}
}

func TestDocumentsWaitWithoutAutoProcess(t *testing.T) {
	h := newHarnessWith(t, withEmbeddings(t, true))
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"kb","rag_settings":{"enabled":true,"auto_process":false}}`)
	docs := fmt.Sprintf("/api/v1/assistants/%v/documents", a["id"])
	_, d := h.upload(docs+"/upload", h.keyA, "hours.txt", []byte("Open 9 to 6."), nil)
	if d["processing_status"] != "uploaded" {
		t.Fatalf("%v", d)
	}
	queued := h.must(http.StatusAccepted, "POST", fmt.Sprintf("%s/%v/process", docs, d["id"]), h.keyA, nil)
	if queued["processing_status"] != "pending" {
		t.Fatalf("%v", queued)
	}
	if st := h.settled(docs, d["id"]); st["processing_status"] != "completed" {
		t.Fatalf("%v", st)
	}
}

func TestDocumentsByURL(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html><body><h1>Rentals</h1><p>E-bikes cost 35 euros a day.</p><script>x()</script></body></html>")
	}))
	t.Cleanup(page.Close)

	h := newHarnessWith(t, withEmbeddings(t, true))
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"kb"}`)
	docs := fmt.Sprintf("/api/v1/assistants/%v/documents", a["id"])
	status, d := h.upload(docs+"/upload", h.keyA, "", nil, map[string]string{"url": page.URL + "/rentals.html"})
	if status != http.StatusCreated || d["document_type"] != "html" || d["source_url"] != page.URL+"/rentals.html" || d["name"] != "rentals.html" {
		t.Fatalf("%d %v", status, d)
	}
	if st := h.settled(docs, d["id"]); st["processing_status"] != "completed" {
		t.Fatalf("%v", st)
	}

	// without AllowPrivateURLs the guard refuses a loopback URL
	guarded := newHarnessWith(t, withEmbeddings(t, false))
	b := guarded.must(http.StatusCreated, "POST", "/api/v1/assistants", guarded.keyA, `{"name":"kb"}`)
	status, body := guarded.upload(fmt.Sprintf("/api/v1/assistants/%v/documents/upload", b["id"]), guarded.keyA, "", nil,
		map[string]string{"url": page.URL + "/rentals.html"})
	if status != http.StatusUnprocessableEntity || fmt.Sprint(get(body, "detail")) == "" || !bytes.Contains(asJSON(body), []byte(`"url"`)) {
		t.Fatalf("private URL: %d %v", status, body)
	}
}

func TestDocumentsRefuseBadUploads(t *testing.T) {
	h := newHarnessWith(t, withEmbeddings(t, true))
	a := h.must(http.StatusCreated, "POST", "/api/v1/assistants", h.keyA, `{"name":"kb"}`)
	up := fmt.Sprintf("/api/v1/assistants/%v/documents/upload", a["id"])
	for _, c := range []struct {
		name, file string
		data       []byte
		fields     map[string]string
		field      string
	}{
		{"image", "photo.png", []byte("\x89PNG\r\n\x1a\nxxxx"), nil, "file"},
		{"nothing", "", nil, nil, "file"},
		{"both", "a.txt", []byte("x"), map[string]string{"url": "https://example.com/a.txt"}, "url"},
		{"bad url", "", nil, map[string]string{"url": "ftp://example.com/a.txt"}, "url"},
		{"empty", "a.txt", []byte{}, nil, "file"},
	} {
		status, body := h.upload(up, h.keyA, c.file, c.data, c.fields)
		if status != http.StatusUnprocessableEntity || !bytes.Contains(asJSON(body), []byte(`"`+c.field+`"`)) {
			t.Errorf("%s: %d %v", c.name, status, body)
		}
	}
	if status, _ := h.upload("/api/v1/assistants/999999/documents/upload", h.keyA, "a.txt", []byte("x"), nil); status != http.StatusNotFound {
		t.Errorf("unknown assistant: %d", status)
	}
}

func asJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
