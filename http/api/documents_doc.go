package api

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The operations of assistants' documents (knowledge bases).

var (
	documentModel       = response[persistence.Document]("Document", "A document of an assistant's knowledge base (without its file).", nil)
	documentStatusModel = response[documentStatus]("DocumentStatus", "A document's processing status.", nil)
	documentIDParam     = openapi.PathParam("document_id", "The document's id.", idSchema)
	documentFormModel   = &openapi.Model{Name: "DocumentUpload",
		Description: "A PDF (at most 500 pages), DOCX, TXT, Markdown or HTML file of at most 20 MiB as \"file\", or a \"url\" to fetch " +
			"one from (public addresses only); an optional display \"name\".",
		Schema: openapi.Schema{"type": "object", "properties": openapi.Schema{
			"file": openapi.Schema{"type": "string", "contentMediaType": "application/octet-stream"},
			"url":  openapi.Schema{"type": "string", "format": "uri"},
			"name": openapi.Schema{"type": "string", "maxLength": 255}}}}
)

var (
	docUploadDocument = openapi.Operation{
		ID: "uploadAssistantDocument", Summary: "Upload a document to an assistant's knowledge base",
		Description: "The document is stored with the assistant's chunking settings and embedding model at this moment. With " +
			"rag_settings.auto_process it is queued at once (status pending, then processing, then completed or failed); " +
			"without, it waits as uploaded until POST …/process. The same file twice is refused (409).",
		Params: []openapi.Param{assistantIDParam},
		Body:   &openapi.Body{Model: documentFormModel, MediaType: "multipart/form-data", Required: true},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("Stored (and queued with auto_process).", documentModel),
			404: notFound("Assistant"),
			409: openapi.JSON("The assistant already has this file.", errorModel),
			422: openapi.JSON("No file or url, an unsupported or unreadable file, or a url that cannot be fetched.", validationModel),
		},
	}
	docListDocuments = openapi.Operation{
		ID: "listAssistantDocuments", Summary: "List an assistant's documents, newest first",
		Params: []openapi.Param{assistantIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The documents.", &openapi.Model{Name: "Documents", Description: "Documents, newest first.",
				Schema: openapi.Schema{"type": "array", "items": openapi.Ref(documentModel)}, Refs: []*openapi.Model{documentModel}}),
			404: notFound("Assistant"), 422: invalid,
		},
	}
	docDocumentStatus = openapi.Operation{
		ID: "getAssistantDocumentStatus", Summary: "Get a document's processing status",
		Params: []openapi.Param{assistantIDParam, documentIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("Its status, chunk counts and error.", documentStatusModel),
			404: notFound("Assistant or document"), 422: invalid,
		},
	}
	docDeleteDocument = openapi.Operation{
		ID: "deleteAssistantDocument", Summary: "Delete a document from an assistant's knowledge base",
		Params: []openapi.Param{assistantIDParam, documentIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("Deleted: calls no longer find it.", messageModel),
			404: notFound("Assistant or document"), 422: invalid,
		},
	}
	docProcessDocument = openapi.Operation{
		ID: "processAssistantDocument", Summary: "Queue a document for processing",
		Description: "For a document uploaded while auto_process was off, or to process a document again from its stored file.",
		Params:      []openapi.Param{assistantIDParam, documentIDParam},
		Responses: map[int]openapi.Response{
			202: openapi.JSON("Queued (or already queued).", documentModel),
			404: notFound("Assistant or document"), 422: invalid,
		},
	}
)
