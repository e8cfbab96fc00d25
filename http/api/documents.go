package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/netguard"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/persistence"
)

// DocumentStore keeps knowledge bases and their documents:
// *persistence.Store. Burki's documents are those of an assistant's own
// base; Famulor's knowledge bases are the organization's bases.
type DocumentStore interface {
	InsertDocument(ctx context.Context, n persistence.NewDocument, now time.Time) (persistence.Document, error)
	ListDocuments(ctx context.Context, orgID, baseID int64) ([]persistence.Document, error)
	GetDocument(ctx context.Context, orgID, baseID, id int64) (persistence.Document, error)
	UpdateDocument(ctx context.Context, orgID, baseID, id int64, u persistence.DocumentUpdate, now time.Time) (persistence.Document, error)
	DeleteDocument(ctx context.Context, orgID, baseID, id int64) error
	QueueDocument(ctx context.Context, orgID, baseID, id int64, now time.Time) (persistence.Document, error)

	AssistantKnowledgeBase(ctx context.Context, orgID, assistantID int64, name string, now time.Time) (persistence.KnowledgeBase, error)
	OwnKnowledgeBase(ctx context.Context, orgID, assistantID int64) (int64, error)
	CreateKnowledgeBase(ctx context.Context, orgID int64, name string, description *string, now time.Time) (persistence.KnowledgeBase, error)
	ListKnowledgeBases(ctx context.Context, orgID int64) ([]persistence.KnowledgeBase, error)
	GetKnowledgeBase(ctx context.Context, orgID, id int64) (persistence.KnowledgeBase, error)
	UpdateKnowledgeBase(ctx context.Context, orgID, id int64, u persistence.KnowledgeBaseUpdate, now time.Time) (persistence.KnowledgeBase, error)
	DeleteKnowledgeBase(ctx context.Context, orgID, id int64) (persistence.KnowledgeBase, error)
	AssistantsAttaching(ctx context.Context, orgID, baseID int64) ([]int64, error)
}

// KnowledgeBase hears of document changes: Queued wakes the processing
// worker, Changed drops a base's search indexes (owner: the assistant
// whose own base it is, 0 for none).
type KnowledgeBase interface {
	Queued()
	Changed(baseID, owner int64)
}

// fetchTimeout bounds fetching a document by URL.
const fetchTimeout = 30 * time.Second

// documentStatus is a document's processing status.
type documentStatus struct {
	DocumentID       int64   `json:"document_id"`
	Name             string  `json:"name"`
	ProcessingStatus string  `json:"processing_status" check:"enum=uploaded|pending|processing|completed|failed"`
	ProcessingError  *string `json:"processing_error"`
	TotalChunks      int     `json:"total_chunks"`
	ProcessedChunks  int     `json:"processed_chunks"`
	Progress         float64 `json:"progress_percentage"`
	PageCount        *int    `json:"page_count"`
	Attempts         int     `json:"attempts"`
	// Searchable tells whether calls find the document: completed,
	// embedded with the model the assistant's rag_settings name now, and
	// no other knowledge base attached in place of the assistant's own.
	Searchable bool `json:"searchable"`
}

// uploadDocument stores a document for an assistant's knowledge base: a
// multipart "file", or a "url" form field to fetch (public addresses
// only). With rag_settings.auto_process it is queued for processing at
// once; else it waits for POST …/documents/{id}/process.
func (a *API) uploadDocument(c *fiber.Ctx) error {
	id, err := pathID(c, "assistant_id")
	if err != nil {
		return err
	}
	p := principal(c)
	snap, err := a.Assistants.Get(c.UserContext(), p.OrganizationID, id)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	field, name, contentType, data, source, err := a.documentInput(c)
	if err != nil {
		return err
	}
	typ, err := knowledge.DetectType(name, contentType, data)
	if err != nil {
		return badParam("body", field, "%s", err.Error())
	}
	if len(data) == 0 {
		return badParam("body", field, "the file is empty")
	}
	original := path.Base(name)
	if n := strings.TrimSpace(c.FormValue("name")); n != "" {
		if len(n) > 255 {
			return badParam("body", "name", "at most 255 characters")
		}
		name = n
	}
	sum := sha256.Sum256(data)
	rs := snap.Config.RAGSettings
	kb, err := a.Documents.AssistantKnowledgeBase(c.UserContext(), p.OrganizationID, id, snap.Config.Name, time.Now())
	if errors.Is(err, persistence.ErrNotFound) {
		return fail(assistants.ErrNotFound, fmt.Sprintf("Assistant with ID %d", id)) // deleted meanwhile
	}
	if err != nil {
		return fmt.Errorf("api: knowledge base of assistant %d: %w", id, err)
	}
	doc, err := a.Documents.InsertDocument(c.UserContext(), persistence.NewDocument{Document: persistence.Document{
		KnowledgeBaseID: kb.ID, OrganizationID: p.OrganizationID, Name: name, OriginalFilename: original, SourceURL: source,
		ContentType: knowledge.ContentType(typ), DocumentType: typ, FileHash: hex.EncodeToString(sum[:]),
		ChunkingStrategy: rs.ChunkingStrategy, ChunkSize: rs.ChunkSize, ChunkOverlap: rs.ChunkOverlap, EmbeddingModel: rs.EmbeddingModel},
		Content: data, Queue: rs.AutoProcess}, time.Now())
	if errors.Is(err, persistence.ErrDuplicate) {
		return server.Detail(fiber.StatusConflict, fmt.Sprintf("This file is already document %d (%q) of the assistant", doc.ID, doc.Name))
	}
	if errors.Is(err, persistence.ErrNotFound) {
		return fail(assistants.ErrNotFound, fmt.Sprintf("Assistant with ID %d", id)) // deleted meanwhile
	}
	if err != nil {
		return fmt.Errorf("api: store document: %w", err)
	}
	if rs.AutoProcess {
		a.Knowledge.Queued()
	}
	return c.Status(fiber.StatusCreated).JSON(doc)
}

// documentInput reads the upload: the form field it came from, its name,
// declared content type, bytes, and the URL it was fetched from.
func (a *API) documentInput(c *fiber.Ctx) (field, name, contentType string, data []byte, source *string, err error) {
	fh, ferr := c.FormFile("file")
	raw := strings.TrimSpace(c.FormValue("url"))
	switch {
	case ferr == nil && raw != "":
		return "", "", "", nil, nil, badParam("body", "url", "send either a file or a url, not both")
	case ferr == nil:
		if fh.Size > knowledge.MaxFileBytes {
			return "", "", "", nil, nil, badParam("body", "file", "the file is %d bytes; at most %d are accepted", fh.Size, knowledge.MaxFileBytes)
		}
		f, err := fh.Open()
		if err != nil {
			return "", "", "", nil, nil, fmt.Errorf("api: open upload: %w", err)
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, knowledge.MaxFileBytes+1))
		if err != nil {
			return "", "", "", nil, nil, fmt.Errorf("api: read upload: %w", err)
		}
		return "file", fh.Filename, fh.Header.Get("Content-Type"), data, nil, nil
	case raw != "":
		name, ct, data, err := a.fetchDocument(c.UserContext(), raw)
		if up := (*urlProblem)(nil); errors.As(err, &up) {
			return "", "", "", nil, nil, badParam("body", "url", "%s", up.msg)
		}
		if err != nil {
			return "", "", "", nil, nil, err
		}
		return "url", name, ct, data, &raw, nil
	}
	return "", "", "", nil, nil, badParam("body", "file", "a PDF, DOCX, TXT, Markdown or HTML file is required as the multipart field \"file\" (or a \"url\" to fetch)")
}

// urlProblem is why a document's url cannot be fetched, for the caller to
// report at its url field in its vendor's shape.
type urlProblem struct{ msg string }

func (p *urlProblem) Error() string { return p.msg }

func badURL(format string, args ...any) error { return &urlProblem{msg: fmt.Sprintf(format, args...)} }

// fetchDocument gets a document by URL through the private-address
// guard (unless private URLs are allowed); a *urlProblem says why it
// cannot be fetched.
func (a *API) fetchDocument(ctx context.Context, raw string) (name, contentType string, data []byte, err error) {
	u, perr := url.Parse(raw)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
		return "", "", nil, badURL("must be an http or https URL")
	}
	client := a.DocumentClient
	if client == nil {
		client = &http.Client{Transport: netguard.Transport()}
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if rerr != nil {
		return "", "", nil, badURL("must be an http or https URL")
	}
	resp, herr := client.Do(req)
	if herr != nil {
		if errors.Is(herr, netguard.ErrBlocked) {
			return "", "", nil, badURL("reaches a private or loopback address")
		}
		return "", "", nil, badURL("could not be fetched: %v", herr)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", nil, badURL("answered %d, not 200", resp.StatusCode)
	}
	data, rerr = io.ReadAll(io.LimitReader(resp.Body, knowledge.MaxFileBytes+1))
	if rerr != nil {
		return "", "", nil, badURL("could not be read: %v", rerr)
	}
	if len(data) > knowledge.MaxFileBytes {
		return "", "", nil, badURL("the document is over %d bytes", knowledge.MaxFileBytes)
	}
	name = path.Base(u.Path)
	if name == "/" || name == "." || name == "" {
		name = u.Host
	}
	return name, resp.Header.Get("Content-Type"), data, nil
}

// listDocuments lists an assistant's documents, newest first.
func (a *API) listDocuments(c *fiber.Ctx) error {
	id, err := a.ownedAssistant(c)
	if err != nil {
		return err
	}
	base, err := a.Documents.OwnKnowledgeBase(c.UserContext(), principal(c).OrganizationID, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return c.JSON([]persistence.Document{}) // nothing uploaded yet
	}
	if err != nil {
		return fmt.Errorf("api: list documents: %w", err)
	}
	docs, err := a.Documents.ListDocuments(c.UserContext(), principal(c).OrganizationID, base)
	if err != nil {
		return fmt.Errorf("api: list documents: %w", err)
	}
	return c.JSON(docs)
}

// documentStatusOf answers GET …/documents/{id}/status.
func (a *API) documentStatusOf(c *fiber.Ctx) error {
	doc, err := a.document(c)
	if err != nil {
		return err
	}
	snap, err := a.Assistants.Get(c.UserContext(), doc.OrganizationID, *doc.AssistantID)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", *doc.AssistantID))
	}
	s := documentStatus{DocumentID: doc.ID, Name: doc.Name, ProcessingStatus: doc.ProcessingStatus, ProcessingError: doc.ProcessingError,
		TotalChunks: doc.TotalChunks, ProcessedChunks: doc.ProcessedChunks, PageCount: doc.PageCount, Attempts: doc.Attempts,
		Searchable: doc.ProcessingStatus == persistence.DocumentCompleted && doc.EmbeddingModel == snap.Config.RAGSettings.EmbeddingModel &&
			snap.Config.RAGSettings.KnowledgeBaseID == nil}
	if doc.ProcessingStatus == persistence.DocumentCompleted {
		s.Progress = 100
	}
	return c.JSON(s)
}

// deleteDocument deletes a document; calls stop finding it at once.
func (a *API) deleteDocument(c *fiber.Ctx) error {
	id, base, docID, err := a.ownDocumentPath(c)
	if err != nil {
		return err
	}
	err = a.Documents.DeleteDocument(c.UserContext(), principal(c).OrganizationID, base, docID)
	if errors.Is(err, persistence.ErrNotFound) {
		return documentNotFound(docID)
	}
	if err != nil {
		return fmt.Errorf("api: delete document: %w", err)
	}
	a.Knowledge.Changed(base, id)
	return c.JSON(messageBody{Message: fmt.Sprintf("Document %d deleted", docID)})
}

// processDocument queues a document that is not queued: one uploaded
// while auto_process was off, or one to process again from its file.
func (a *API) processDocument(c *fiber.Ctx) error {
	_, base, docID, err := a.ownDocumentPath(c)
	if err != nil {
		return err
	}
	doc, err := a.Documents.QueueDocument(c.UserContext(), principal(c).OrganizationID, base, docID, time.Now())
	if errors.Is(err, persistence.ErrNotFound) {
		return documentNotFound(docID)
	}
	if err != nil {
		return fmt.Errorf("api: queue document: %w", err)
	}
	a.Knowledge.Queued()
	return c.Status(fiber.StatusAccepted).JSON(doc)
}

func documentNotFound(docID int64) error {
	return server.Detail(fiber.StatusNotFound, fmt.Sprintf("Document with ID %d not found for this assistant", docID))
}

// ownDocumentPath reads the path's assistant (the caller's), its own
// knowledge base and the document id; an assistant without a base has no
// document.
func (a *API) ownDocumentPath(c *fiber.Ctx) (assistantID, baseID, docID int64, err error) {
	id, err := a.ownedAssistant(c)
	if err != nil {
		return 0, 0, 0, err
	}
	docID, err = pathID(c, "document_id")
	if err != nil {
		return 0, 0, 0, err
	}
	base, err := a.Documents.OwnKnowledgeBase(c.UserContext(), principal(c).OrganizationID, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return 0, 0, 0, documentNotFound(docID)
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("api: knowledge base of assistant %d: %w", id, err)
	}
	return id, base, docID, nil
}

// document is the path's document of the path's assistant.
func (a *API) document(c *fiber.Ctx) (persistence.Document, error) {
	_, base, docID, err := a.ownDocumentPath(c)
	if err != nil {
		return persistence.Document{}, err
	}
	doc, err := a.Documents.GetDocument(c.UserContext(), principal(c).OrganizationID, base, docID)
	if errors.Is(err, persistence.ErrNotFound) {
		return doc, documentNotFound(docID)
	}
	if err != nil {
		return doc, fmt.Errorf("api: get document: %w", err)
	}
	return doc, nil
}

// checkKnowledgeBase refuses a Burki write that attaches a knowledge base
// (rag_settings.knowledge_base_id) which is not the organization's.
func (a *API) checkKnowledgeBase(ctx context.Context, orgID int64, w assistant.Write) error {
	rs, _ := w.Fields["rag_settings"].(map[string]any)
	v, ok := rs["knowledge_base_id"]
	if !ok || v == nil {
		return nil
	}
	id, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
	if err != nil {
		return nil // not an id: the configuration's checks name it
	}
	_, err = a.Documents.GetKnowledgeBase(ctx, orgID, id)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return validation("body", []assistant.FieldError{{Loc: []any{"rag_settings", "knowledge_base_id"},
			Msg: fmt.Sprintf("knowledge base %d is not one of your organization's", id), Type: "value_error"}})
	case err != nil:
		return fmt.Errorf("api: knowledge base %d: %w", id, err)
	}
	return nil
}
