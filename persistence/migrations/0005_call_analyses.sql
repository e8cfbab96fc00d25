-- Post-call analysis: one row per call the assistant's analysis_settings
-- ask to analyse. The row is the job (a durable queue, claimed with SKIP
-- LOCKED like the webhook outbox) and, once done, its result. It is
-- enqueued in the transaction that records the call's end, so no ended
-- call is lost and none is enqueued twice.
CREATE TABLE call_analyses (
    call_id                bigint PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    organization_id        bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    status                 text NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'skipped')),
    attempts               integer NOT NULL DEFAULT 0,
    next_attempt_at        timestamptz NOT NULL, -- due again (a claim leases it until then)
    -- the call's end-of-call webhook waits for the analysis until then
    wait_until             timestamptz NOT NULL,
    summary                text,
    summary_error          text,
    structured_data        jsonb,  -- only ever data that validated against the schema
    structured_data_error  text,
    structured_data_output text,   -- the model's last answer that did not validate
    evaluation             jsonb,  -- {"successful": bool, "reason": text}
    evaluation_error       text,
    provider               text,   -- the provider and model that answered
    model                  text,
    prompt_tokens          integer NOT NULL DEFAULT 0,
    completion_tokens      integer NOT NULL DEFAULT 0,
    last_error             text,   -- why the last attempt failed, or why it was skipped
    created_at             timestamptz NOT NULL,
    completed_at           timestamptz,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX call_analyses_due_idx ON call_analyses (next_attempt_at) WHERE status = 'pending';

-- Assistants stored before analysis_settings existed get its defaults
-- (assistant.Defaults at this version), so the end of their calls reads
-- the same settings the engine uses.
UPDATE assistants SET config = config || '{"analysis_settings": {
    "summary": {"enabled": true, "prompt": null},
    "structured_data": {"enabled": false, "schema": {"type": "object", "properties": {}}, "messages": []},
    "evaluation": {"enabled": false, "prompt": null},
    "min_messages": 2, "model": null, "webhook_wait_seconds": 60}}'::jsonb
WHERE config ? 'llm_provider' AND NOT config ? 'analysis_settings';
