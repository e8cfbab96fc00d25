-- Knowledge bases: an organization's collections of documents, so that
-- Burki's per-assistant documents and Famulor's /user/knowledgebases map
-- onto one store. An assistant's own base (assistant_id set) holds the
-- documents uploaded through /api/v1/assistants/{id}/documents; a base
-- without one is made through Famulor's API and attached to assistants
-- by rag_settings.knowledge_base_id (Famulor's knowledgebase_id).
CREATE TABLE knowledge_bases (
    id              bigserial PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    assistant_id    bigint UNIQUE REFERENCES assistants(id) ON DELETE CASCADE,
    name            text NOT NULL,
    description     text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX knowledge_bases_organization_idx ON knowledge_bases (organization_id, id);

-- every assistant that has documents gets its own base, holding them
INSERT INTO knowledge_bases (organization_id, assistant_id, name, created_at, updated_at)
SELECT DISTINCT ON (d.assistant_id) d.organization_id, d.assistant_id, a.name, now(), now()
FROM documents d JOIN assistants a ON a.id = d.assistant_id
ORDER BY d.assistant_id;

ALTER TABLE documents ADD COLUMN knowledge_base_id bigint REFERENCES knowledge_bases(id) ON DELETE CASCADE;
ALTER TABLE documents ADD COLUMN description text;
UPDATE documents d SET knowledge_base_id = kb.id FROM knowledge_bases kb WHERE kb.assistant_id = d.assistant_id;
ALTER TABLE documents ALTER COLUMN knowledge_base_id SET NOT NULL;

-- a document belongs to its base; the base says whose it is
DROP INDEX documents_assistant_idx;
ALTER TABLE documents DROP COLUMN assistant_id; -- drops UNIQUE (assistant_id, file_hash) with it
ALTER TABLE documents ADD UNIQUE (knowledge_base_id, file_hash);
CREATE INDEX documents_knowledge_base_idx ON documents (knowledge_base_id, id);
