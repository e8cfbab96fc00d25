package api

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
)

// The operations of Famulor's knowledge bases.

var (
	famulorKBOneModel   = response[famulorKBOne]("FamulorKnowledgebaseResource", "{data}: a knowledge base.", nil)
	famulorKBListModel  = response[famulorKBList]("FamulorKnowledgebases", "{data}: the organization's knowledge bases, oldest first (assistants' own bases too).", nil)
	famulorKBSavedModel = response[famulorKBSaved]("FamulorKnowledgebaseSaved", "A create's or update's confirmation.", nil)
	famulorDocOneModel  = response[famulorDocOne]("FamulorDocumentResource", "{data}: a document of a knowledge base.", nil)
	famulorDocListModel = response[famulorDocList]("FamulorDocuments", "{data}: a knowledge base's documents, newest first.", nil)
	famulorDocSavedMdl  = response[famulorDocSaved]("FamulorDocumentSaved", "A create's or update's confirmation.", nil)

	famulorKBWriteModel = &openapi.Model{Name: "FamulorKnowledgebaseWrite",
		Description: "name (required on create) and description, at most 255 characters each; an update changes only what it sends.",
		Schema: openapi.Schema{"type": "object", "additionalProperties": false, "properties": openapi.Schema{
			"name":        openapi.Schema{"type": "string", "minLength": 1, "maxLength": 255},
			"description": openapi.Schema{"type": []any{"string", "null"}, "maxLength": 255}}}}
	famulorDocWriteModel = &openapi.Model{Name: "FamulorDocumentWrite",
		Description: "A website as JSON {name, type: website, url, description?} (the page is fetched once, public addresses only; " +
			"links and relative_links_limit are refused: links are not followed), or a pdf, txt or docx file of at most 20 MiB as " +
			"multipart/form-data {name, type, file, description?}.",
		Schema: openapi.Schema{"type": "object", "required": []any{"name", "type"}, "properties": openapi.Schema{
			"name":        openapi.Schema{"type": "string", "minLength": 1, "maxLength": 255},
			"description": openapi.Schema{"type": []any{"string", "null"}, "maxLength": 255},
			"type":        openapi.Schema{"type": "string", "enum": []any{"website", "pdf", "txt", "docx"}},
			"url":         openapi.Schema{"type": "string", "format": "uri"},
			"file":        openapi.Schema{"type": "string", "contentMediaType": "application/octet-stream"}}}}

	famulorKBIDParam     = openapi.PathParam("id", "The knowledge base's id.", idSchema)
	famulorDocIDParam    = openapi.PathParam("document_id", "The document's id.", idSchema)
	famulorKBNotFound404 = openapi.JSON("No such knowledge base (or document) in your organization.", famulorMessageModel)

	docFamulorListKBs = openapi.Operation{ID: "famulorListKnowledgebases", Summary: "Famulor: list knowledge bases",
		Responses: map[int]openapi.Response{200: openapi.JSON("The knowledge bases.", famulorKBListModel)}}
	docFamulorCreateKB = openapi.Operation{ID: "famulorCreateKnowledgebase", Summary: "Famulor: create an empty knowledge base",
		Body:      &openapi.Body{Model: famulorKBWriteModel, Required: true},
		Responses: map[int]openapi.Response{201: openapi.JSON("Created.", famulorKBSavedModel), 422: famulorInvalid422}}
	docFamulorGetKB = openapi.Operation{ID: "famulorGetKnowledgebase", Summary: "Famulor: get a knowledge base",
		Params:    []openapi.Param{famulorKBIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("The knowledge base.", famulorKBOneModel), 404: famulorKBNotFound404}}
	docFamulorDeleteKB = openapi.Operation{ID: "famulorDeleteKnowledgebase", Summary: "Famulor: delete a knowledge base with its documents",
		Params: []openapi.Param{famulorKBIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("Deleted.", famulorMessageModel), 404: famulorKBNotFound404,
			409: openapi.JSON("Assistants attach it (knowledgebase_id): they are named.", famulorMessageModel)}}
	docFamulorListDocs = openapi.Operation{ID: "famulorListKnowledgebaseDocuments", Summary: "Famulor: list a knowledge base's documents",
		Params:    []openapi.Param{famulorKBIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("The documents.", famulorDocListModel), 404: famulorKBNotFound404}}
	docFamulorCreateDoc = openapi.Operation{ID: "famulorCreateKnowledgebaseDocument",
		Summary:     "Famulor: add a document to a knowledge base (processed in the background)",
		Description: "status is processing until the document is chunked and embedded (ready) or failed (error, with the reason).",
		Params:      []openapi.Param{famulorKBIDParam},
		Body:        &openapi.Body{Model: famulorDocWriteModel, Required: true},
		Responses: map[int]openapi.Response{201: openapi.JSON("Stored and queued.", famulorDocSavedMdl), 404: famulorKBNotFound404,
			422: famulorInvalid422}}
	docFamulorGetDoc = openapi.Operation{ID: "famulorGetKnowledgebaseDocument", Summary: "Famulor: get a document and its processing status",
		Params:    []openapi.Param{famulorKBIDParam, famulorDocIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("The document.", famulorDocOneModel), 404: famulorKBNotFound404}}
	docFamulorDeleteDoc = openapi.Operation{ID: "famulorDeleteKnowledgebaseDocument", Summary: "Famulor: delete a document",
		Params:    []openapi.Param{famulorKBIDParam, famulorDocIDParam},
		Responses: map[int]openapi.Response{200: openapi.JSON("Deleted: calls no longer find it.", famulorMessageModel), 404: famulorKBNotFound404}}
)

func docFamulorUpdateKB(method string) openapi.Operation {
	return openapi.Operation{ID: "famulorUpdateKnowledgebase" + method, Summary: "Famulor: rename or redescribe a knowledge base (" + method + ")",
		Params: []openapi.Param{famulorKBIDParam}, Body: &openapi.Body{Model: famulorKBWriteModel, Required: true},
		Responses: map[int]openapi.Response{200: openapi.JSON("Updated.", famulorKBSavedModel), 404: famulorKBNotFound404, 422: famulorInvalid422}}
}

func docFamulorUpdateDoc(method string) openapi.Operation {
	return openapi.Operation{ID: "famulorUpdateKnowledgebaseDocument" + method, Summary: "Famulor: rename or redescribe a document (" + method + ")",
		Params: []openapi.Param{famulorKBIDParam, famulorDocIDParam}, Body: &openapi.Body{Model: famulorKBWriteModel, Required: true},
		Responses: map[int]openapi.Response{200: openapi.JSON("Updated.", famulorDocSavedMdl), 404: famulorKBNotFound404, 422: famulorInvalid422}}
}
