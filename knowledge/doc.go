// Package knowledge gives assistants knowledge bases: documents go in
// (extracted per format, chunked per rag_settings, embedded, stored in
// PostgreSQL by a durable queue's Worker) and grounded context comes out
// on a call (a Retriever searching an in-memory index per assistant,
// offered to the model as the searchKnowledgeBase tool or injected into
// its system prompt before it answers).
//
// Limits: uploads and fetched pages up to MaxFileBytes, PDFs up to
// MaxPages pages, MaxTextBytes of text and MaxChunks chunks per document.
package knowledge
