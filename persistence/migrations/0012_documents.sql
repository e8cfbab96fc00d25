-- Knowledge bases: an assistant's documents (Burki's documents table) and
-- their chunks with embeddings. The document row is also its processing
-- job: a durable queue claimed with SKIP LOCKED like call_analyses, so an
-- upload survives restarts and several nodes share the work. The uploaded
-- file is kept (content) so that a document can be processed again.
CREATE TABLE documents (
    id                bigserial PRIMARY KEY,
    assistant_id      bigint NOT NULL REFERENCES assistants(id) ON DELETE CASCADE,
    organization_id   bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name              text NOT NULL,
    original_filename text NOT NULL,
    source_url        text,            -- where a fetched document came from
    content_type      text NOT NULL,   -- the MIME type of the format read
    document_type     text NOT NULL CHECK (document_type IN ('pdf', 'docx', 'txt', 'markdown', 'html')),
    file_size         integer NOT NULL,
    file_hash         text NOT NULL,   -- SHA-256 of the file, hex: the same file twice is a duplicate
    content           bytea NOT NULL,
    processing_status text NOT NULL CHECK (processing_status IN ('uploaded', 'pending', 'processing', 'completed', 'failed')),
    processing_error  text,
    total_chunks      integer NOT NULL DEFAULT 0,
    processed_chunks  integer NOT NULL DEFAULT 0,
    page_count        integer,
    -- the rag_settings it is processed with, fixed at upload
    chunking_strategy text NOT NULL,
    chunk_size        integer NOT NULL,
    chunk_overlap     integer NOT NULL,
    embedding_model   text NOT NULL,
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz,     -- while pending or processing: due (again) then
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    processed_at      timestamptz,
    UNIQUE (assistant_id, file_hash)
);
CREATE INDEX documents_assistant_idx ON documents (assistant_id, id);
CREATE INDEX documents_due_idx ON documents (next_attempt_at) WHERE processing_status IN ('pending', 'processing');

-- A chunk's embedding is little-endian float32s: compact, and read in one
-- pass into an assistant's in-memory index (there is no pgvector here).
CREATE TABLE document_chunks (
    document_id bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    chunk_index integer NOT NULL,
    content     text NOT NULL,
    embedding   bytea NOT NULL,
    PRIMARY KEY (document_id, chunk_index)
);
