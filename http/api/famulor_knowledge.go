package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Famulor's knowledge bases (/api/user/knowledgebases) are the
// organization's knowledge bases, the store Burki's per-assistant documents
// are in too: an assistant's own base is listed here as well, and a base
// made here is attached to assistants by their knowledgebase_id.

// famulorKnowledgebase is a knowledge base as Famulor shows it.
type famulorKnowledgebase struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Description    *string `json:"description"`
	Status         string  `json:"status" check:"enum=active"`
	DocumentsCount int     `json:"documents_count"`
	// AssistantID is Switchboard's: the assistant whose own documents
	// (Burki's /api/v1/assistants/{id}/documents) the base holds.
	AssistantID *int64    `json:"assistant_id"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// famulorKBDocument is a document as Famulor shows it. Status is ready
// once searchable, error when processing failed (Error says why), else
// processing.
type famulorKBDocument struct {
	ID              int64     `json:"id"`
	KnowledgebaseID int64     `json:"knowledgebase_id"`
	Name            string    `json:"name"`
	Description     *string   `json:"description"`
	Type            string    `json:"type" check:"enum=website|pdf|txt|docx"`
	URL             *string   `json:"url"`
	Status          string    `json:"status" check:"enum=processing|ready|error"`
	Error           *string   `json:"error"`
	ChunksCount     int       `json:"chunks_count"`
	FileSize        int       `json:"file_size"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

type famulorKBOne struct {
	Data famulorKnowledgebase `json:"data"`
}

type famulorKBList struct {
	Data []famulorKnowledgebase `json:"data"`
}

type famulorKBSaved struct {
	Message string               `json:"message"`
	Data    famulorKnowledgebase `json:"data"`
}

type famulorDocOne struct {
	Data famulorKBDocument `json:"data"`
}

type famulorDocList struct {
	Data []famulorKBDocument `json:"data"`
}

type famulorDocSaved struct {
	Message string            `json:"message"`
	Data    famulorKBDocument `json:"data"`
}

var (
	famulorKBNotFound  = &server.Error{Status: fiber.StatusNotFound, Body: famulorMessage{Message: "Knowledgebase not found"}}
	famulorDocNotFound = &server.Error{Status: fiber.StatusNotFound, Body: famulorMessage{Message: "Document not found"}}
)

func (a *API) mountFamulorKnowledge(g openapi.Router) {
	g.Get("/knowledgebases", docFamulorListKBs, a.famulorListKBs)
	g.Post("/knowledgebases", docFamulorCreateKB, a.famulorCreateKB)
	g.Get("/knowledgebases/:id", docFamulorGetKB, a.famulorGetKB)
	g.Put("/knowledgebases/:id", docFamulorUpdateKB("PUT"), a.famulorUpdateKB)
	g.Patch("/knowledgebases/:id", docFamulorUpdateKB("PATCH"), a.famulorUpdateKB)
	g.Delete("/knowledgebases/:id", docFamulorDeleteKB, a.famulorDeleteKB)
	g.Get("/knowledgebases/:id/documents", docFamulorListDocs, a.famulorListDocs)
	g.Post("/knowledgebases/:id/documents", docFamulorCreateDoc, a.famulorCreateDoc)
	g.Get("/knowledgebases/:id/documents/:document_id", docFamulorGetDoc, a.famulorGetDoc)
	g.Put("/knowledgebases/:id/documents/:document_id", docFamulorUpdateDoc("PUT"), a.famulorUpdateDoc)
	g.Patch("/knowledgebases/:id/documents/:document_id", docFamulorUpdateDoc("PATCH"), a.famulorUpdateDoc)
	g.Delete("/knowledgebases/:id/documents/:document_id", docFamulorDeleteDoc, a.famulorDeleteDoc)
}

func famulorKB(b persistence.KnowledgeBase) famulorKnowledgebase {
	return famulorKnowledgebase{ID: b.ID, Name: b.Name, Description: b.Description, Status: "active", DocumentsCount: b.Documents,
		AssistantID: b.AssistantID, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func famulorDoc(d persistence.Document) famulorKBDocument {
	out := famulorKBDocument{ID: d.ID, KnowledgebaseID: d.KnowledgeBaseID, Name: d.Name, Description: d.Description,
		Type: famulorDocType(d), URL: d.SourceURL, Status: "processing", ChunksCount: d.TotalChunks, FileSize: d.FileSize,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	switch d.ProcessingStatus {
	case persistence.DocumentCompleted:
		out.Status = "ready"
	case persistence.DocumentFailed:
		out.Status, out.Error = "error", d.ProcessingError
	}
	return out
}

// famulorDocType is Famulor's name of a document's type: a fetched page
// is a website; Markdown and an uploaded HTML file are text.
func famulorDocType(d persistence.Document) string {
	switch {
	case d.SourceURL != nil && d.DocumentType == knowledge.TypeHTML:
		return "website"
	case d.DocumentType == knowledge.TypeMarkdown, d.DocumentType == knowledge.TypeHTML:
		return "txt"
	}
	return d.DocumentType
}

// famulorPathID reads a path id, decoded once; anything else is notFound.
func famulorPathID(c *fiber.Ctx, name string, notFound error) (int64, error) {
	raw, ok := decodedParam(c, name)
	if !ok {
		return 0, notFound
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return 0, notFound
	}
	return id, nil
}

// famulorKBPath is the path's knowledge base, the caller organization's.
func (a *API) famulorKBPath(c *fiber.Ctx) (persistence.KnowledgeBase, error) {
	id, err := famulorPathID(c, "id", famulorKBNotFound)
	if err != nil {
		return persistence.KnowledgeBase{}, err
	}
	b, err := a.Documents.GetKnowledgeBase(c.UserContext(), principal(c).OrganizationID, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return b, famulorKBNotFound
	}
	if err != nil {
		return b, famulorErrors.unavailable(err)
	}
	return b, nil
}

// famulorJSON reads a JSON body as an object; problems are Famulor's 422.
func famulorJSON(c *fiber.Ctx, errs *jsonobj.Problems) (jsonobj.Object, error) {
	body, err := famulorBody(c)
	if err != nil {
		return jsonobj.Object{}, err
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	doc, err := assistant.DecodeDocument(body)
	if err != nil {
		return jsonobj.Object{}, famulorProblems([]jsonobj.Problem{viewBodyProblem(err)})
	}
	return jsonobj.Read(doc, errs), nil
}

// famulorRename reads an update of a name and a description, refusing
// any other field.
func famulorRename(c *fiber.Ctx) (name *string, setDescription bool, description *string, err error) {
	var errs jsonobj.Problems
	o, err := famulorJSON(c, &errs)
	if err != nil {
		return nil, false, nil, err
	}
	o.Unknown("name", "description")
	name, setDescription, description = nameAndDescription(o, false)
	if len(errs.List) > 0 {
		return nil, false, nil, famulorProblems(errs.List)
	}
	return name, setDescription, description, nil
}

// nameAndDescription reads name (required when creating) and description,
// at most 255 characters each, as Famulor takes them.
func nameAndDescription(o jsonobj.Object, create bool) (name *string, setDescription bool, description *string) {
	if create && (!o.Has("name") || o.Null("name")) {
		o.Fail("name", "is required")
	} else if s, ok := o.String("name", 1, 255); ok {
		if s == nil {
			o.Fail("name", "cannot be cleared")
		}
		name = s
	}
	if s, ok := o.String("description", 0, 255); ok {
		setDescription, description = true, s
	}
	return name, setDescription, description
}

func (a *API) famulorListKBs(c *fiber.Ctx) error {
	list, err := a.Documents.ListKnowledgeBases(c.UserContext(), principal(c).OrganizationID)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	out := famulorKBList{Data: make([]famulorKnowledgebase, len(list))}
	for i, b := range list {
		out.Data[i] = famulorKB(b)
	}
	return c.JSON(out)
}

func (a *API) famulorCreateKB(c *fiber.Ctx) error {
	var errs jsonobj.Problems
	o, err := famulorJSON(c, &errs)
	if err != nil {
		return err
	}
	o.Unknown("name", "description")
	name, _, description := nameAndDescription(o, true)
	if len(errs.List) > 0 {
		return famulorProblems(errs.List)
	}
	b, err := a.Documents.CreateKnowledgeBase(c.UserContext(), principal(c).OrganizationID, *name, description, time.Now())
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.Status(fiber.StatusCreated).JSON(famulorKBSaved{Message: "Knowledgebase created successfully", Data: famulorKB(b)})
}

func (a *API) famulorGetKB(c *fiber.Ctx) error {
	b, err := a.famulorKBPath(c)
	if err != nil {
		return err
	}
	return c.JSON(famulorKBOne{Data: famulorKB(b)})
}

func (a *API) famulorUpdateKB(c *fiber.Ctx) error {
	b, err := a.famulorKBPath(c)
	if err != nil {
		return err
	}
	var u persistence.KnowledgeBaseUpdate
	if u.Name, u.SetDescription, u.Description, err = famulorRename(c); err != nil {
		return err
	}
	b, err = a.Documents.UpdateKnowledgeBase(c.UserContext(), b.OrganizationID, b.ID, u, time.Now())
	if errors.Is(err, persistence.ErrNotFound) {
		return famulorKBNotFound
	}
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(famulorKBSaved{Message: "Knowledgebase updated successfully", Data: famulorKB(b)})
}

// famulorDeleteKB deletes a base with its documents; one that assistants
// still attach is refused, naming them, rather than leave them searching
// nothing.
func (a *API) famulorDeleteKB(c *fiber.Ctx) error {
	b, err := a.famulorKBPath(c)
	if err != nil {
		return err
	}
	users, err := a.Documents.AssistantsAttaching(c.UserContext(), b.OrganizationID, b.ID)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	if len(users) > 0 {
		ids := make([]string, len(users))
		for i, id := range users {
			ids[i] = strconv.FormatInt(id, 10)
		}
		return &server.Error{Status: fiber.StatusConflict, Body: famulorMessage{Message: fmt.Sprintf(
			"The knowledgebase is attached to assistant %s: set their knowledgebase_id to null first", strings.Join(ids, ", "))}}
	}
	gone, err := a.Documents.DeleteKnowledgeBase(c.UserContext(), b.OrganizationID, b.ID)
	if errors.Is(err, persistence.ErrNotFound) {
		return famulorKBNotFound
	}
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	a.Knowledge.Changed(gone.ID, ptr.Value(gone.AssistantID))
	return c.JSON(famulorMessage{Message: "Knowledgebase deleted successfully"})
}

func (a *API) famulorListDocs(c *fiber.Ctx) error {
	b, err := a.famulorKBPath(c)
	if err != nil {
		return err
	}
	docs, err := a.Documents.ListDocuments(c.UserContext(), b.OrganizationID, b.ID)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	out := famulorDocList{Data: make([]famulorKBDocument, len(docs))}
	for i, d := range docs {
		out.Data[i] = famulorDoc(d)
	}
	return c.JSON(out)
}

// famulorDocInput is a document to create, read from a multipart form (a
// file) or a JSON body (a website).
type famulorDocInput struct {
	name, docType string
	description   *string
	file          []byte
	filename      string
	contentType   string
	url           string
}

// famulorDocTypes are the types Famulor takes, by the formats each may be.
var famulorDocTypes = map[string][]string{
	"pdf": {knowledge.TypePDF}, "docx": {knowledge.TypeDOCX}, "txt": {knowledge.TypeText, knowledge.TypeMarkdown},
}

// readFamulorDoc reads the document to create; problems are by field.
func readFamulorDoc(c *fiber.Ctx, errs *jsonobj.Problems) (famulorDocInput, error) {
	var in famulorDocInput
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		form, err := c.MultipartForm()
		if err != nil {
			return in, famulorProblems([]jsonobj.Problem{{Path: "file", Msg: "must be sent as multipart/form-data: " + err.Error()}})
		}
		doc := map[string]any{}
		for k, v := range form.Value {
			if len(v) > 0 {
				doc[k] = v[0]
			}
		}
		o := jsonobj.Read(doc, errs)
		o.Unknown("name", "description", "type", "file")
		readNameType(o, &in)
		files := form.File["file"]
		switch {
		case len(files) == 0 && in.docType != "website":
			errs.Add("file", "is required for type %s", in.docType)
		case len(files) > 0 && in.docType == "website":
			errs.Add("file", "is not taken for type website: send a url")
		case len(files) > 0 && files[0].Size > knowledge.MaxFileBytes:
			errs.Add("file", "may not be greater than %d kilobytes", knowledge.MaxFileBytes>>10)
		case len(files) > 0:
			f, err := files[0].Open()
			if err != nil {
				return in, fmt.Errorf("api: open upload: %w", err)
			}
			defer f.Close()
			in.file, err = io.ReadAll(io.LimitReader(f, knowledge.MaxFileBytes+1))
			if err != nil {
				return in, fmt.Errorf("api: read upload: %w", err)
			}
			in.filename, in.contentType = files[0].Filename, files[0].Header.Get(fiber.HeaderContentType)
			if len(in.file) == 0 {
				errs.Add("file", "is empty")
			}
		}
		if in.docType == "website" {
			errs.Add("url", "is required for type website (as JSON)")
		}
		return in, nil
	}
	o, err := famulorJSON(c, errs)
	if err != nil {
		return in, err
	}
	o.Unknown("name", "description", "type", "url", "links", "relative_links_limit")
	readNameType(o, &in)
	if o.Has("links") {
		o.Fail("links", "is not supported: send one page as url")
	}
	if o.Has("relative_links_limit") {
		o.Fail("relative_links_limit", "is not supported: links are not followed, only url is fetched")
	}
	u, _ := o.String("url", 1, 2000)
	switch {
	case in.docType != "" && in.docType != "website":
		o.Fail("file", "is required for type %s (as multipart/form-data)", in.docType)
	case u == nil:
		o.Fail("url", "is required for type website")
	default:
		in.url = *u
	}
	return in, nil
}

func readNameType(o jsonobj.Object, in *famulorDocInput) {
	name, _, description := nameAndDescription(o, true)
	if name != nil {
		in.name = *name
	}
	in.description = description
	t, ok := o.Enum("type", "website", "pdf", "txt", "docx")
	switch {
	case !ok && !o.Has("type"), ok && t == nil:
		o.Fail("type", "is required")
	case ok:
		in.docType = *t
	}
}

// famulorCreateDoc adds a document to a base and queues it: it is
// processed in the background (status processing, then ready or error).
// It is chunked and embedded with the rag_settings of the assistant whose
// own base it is, else with the defaults.
func (a *API) famulorCreateDoc(c *fiber.Ctx) error {
	b, err := a.famulorKBPath(c)
	if err != nil {
		return err
	}
	var errs jsonobj.Problems
	in, err := readFamulorDoc(c, &errs)
	if err != nil {
		return err
	}
	if len(errs.List) > 0 {
		return famulorProblems(errs.List)
	}
	var source *string
	field := "file"
	if in.url != "" {
		field, source = "url", &in.url
		in.filename, in.contentType, in.file, err = a.fetchDocument(c.UserContext(), in.url)
		if up := (*urlProblem)(nil); errors.As(err, &up) {
			return famulorProblems([]jsonobj.Problem{{Path: "url", Msg: up.msg}})
		}
		if err != nil {
			return famulorErrors.unavailable(err)
		}
	}
	typ, err := knowledge.DetectType(in.filename, in.contentType, in.file)
	if err != nil {
		return famulorProblems([]jsonobj.Problem{{Path: field, Msg: err.Error()}})
	}
	if want, ok := famulorDocTypes[in.docType]; ok && !slices.Contains(want, typ) {
		return famulorProblems([]jsonobj.Problem{{Path: "type", Msg: fmt.Sprintf("is %s but the file is %s", in.docType, typ)}})
	}
	rs := assistant.Defaults().RAGSettings
	if b.AssistantID != nil {
		snap, err := a.Assistants.Get(c.UserContext(), b.OrganizationID, *b.AssistantID)
		if err != nil {
			return famulorErrors.unavailable(err)
		}
		rs = snap.Config.RAGSettings
	}
	sum := sha256.Sum256(in.file)
	doc, err := a.Documents.InsertDocument(c.UserContext(), persistence.NewDocument{Document: persistence.Document{
		KnowledgeBaseID: b.ID, OrganizationID: b.OrganizationID, Name: in.name, Description: in.description,
		OriginalFilename: path.Base(in.filename), SourceURL: source, ContentType: knowledge.ContentType(typ), DocumentType: typ,
		FileHash: hex.EncodeToString(sum[:]), ChunkingStrategy: rs.ChunkingStrategy, ChunkSize: rs.ChunkSize,
		ChunkOverlap: rs.ChunkOverlap, EmbeddingModel: rs.EmbeddingModel}, Content: in.file, Queue: true}, time.Now())
	switch {
	case errors.Is(err, persistence.ErrDuplicate):
		return famulorProblems([]jsonobj.Problem{{Path: field, Msg: fmt.Sprintf("is already document %d (%q) of the knowledgebase", doc.ID, doc.Name)}})
	case errors.Is(err, persistence.ErrNotFound):
		return famulorKBNotFound // deleted meanwhile
	case err != nil:
		return famulorErrors.unavailable(err)
	}
	a.Knowledge.Queued()
	return c.Status(fiber.StatusCreated).JSON(famulorDocSaved{Message: "Document created successfully", Data: famulorDoc(doc)})
}

// famulorDocPath is the path's base and document id.
func (a *API) famulorDocPath(c *fiber.Ctx) (persistence.KnowledgeBase, int64, error) {
	b, err := a.famulorKBPath(c)
	if err != nil {
		return b, 0, err
	}
	id, err := famulorPathID(c, "document_id", famulorDocNotFound)
	return b, id, err
}

func (a *API) famulorGetDoc(c *fiber.Ctx) error {
	b, id, err := a.famulorDocPath(c)
	if err != nil {
		return err
	}
	d, err := a.Documents.GetDocument(c.UserContext(), b.OrganizationID, b.ID, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return famulorDocNotFound
	}
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	return c.JSON(famulorDocOne{Data: famulorDoc(d)})
}

func (a *API) famulorUpdateDoc(c *fiber.Ctx) error {
	b, id, err := a.famulorDocPath(c)
	if err != nil {
		return err
	}
	var u persistence.DocumentUpdate
	if u.Name, u.SetDescription, u.Description, err = famulorRename(c); err != nil {
		return err
	}
	d, err := a.Documents.UpdateDocument(c.UserContext(), b.OrganizationID, b.ID, id, u, time.Now())
	if errors.Is(err, persistence.ErrNotFound) {
		return famulorDocNotFound
	}
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	if u.Name != nil {
		a.Knowledge.Changed(b.ID, ptr.Value(b.AssistantID)) // excerpts carry their document's name
	}
	return c.JSON(famulorDocSaved{Message: "Document updated successfully", Data: famulorDoc(d)})
}

func (a *API) famulorDeleteDoc(c *fiber.Ctx) error {
	b, id, err := a.famulorDocPath(c)
	if err != nil {
		return err
	}
	err = a.Documents.DeleteDocument(c.UserContext(), b.OrganizationID, b.ID, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return famulorDocNotFound
	}
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	a.Knowledge.Changed(b.ID, ptr.Value(b.AssistantID))
	return c.JSON(famulorMessage{Message: "Document deleted successfully"})
}
