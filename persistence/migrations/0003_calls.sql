-- Calls and what they record. Every row below is written by the records
-- writer, in batches and possibly long after the fact (a PostgreSQL outage
-- is replayed from a spill file), so times come from the events, never from
-- now(), and every insert is keyed so that replaying it changes nothing.

-- A call's status only moves forward: queued < ringing < in-progress < a
-- final status. A late or replayed carrier callback can never undo a later one.
CREATE FUNCTION call_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE status WHEN 'queued' THEN 0 WHEN 'ringing' THEN 1 WHEN 'in-progress' THEN 2 ELSE 3 END
$$;

CREATE TABLE calls (
    id               bigserial PRIMARY KEY,
    -- the carrier's call id (Twilio CallSid, Telnyx call_control_id, ...)
    call_sid         text NOT NULL UNIQUE,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    assistant_id     bigint REFERENCES assistants(id) ON DELETE SET NULL,
    carrier          text NOT NULL,
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_number      text NOT NULL,
    to_number        text NOT NULL,
    -- the other party, and the number the assistant answers or calls from
    customer_phone_number  text GENERATED ALWAYS AS (CASE WHEN direction = 'outbound' THEN to_number ELSE from_number END) STORED,
    assistant_phone_number text GENERATED ALWAYS AS (CASE WHEN direction = 'outbound' THEN from_number ELSE to_number END) STORED,
    status           text NOT NULL CHECK (status IN ('queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled')),
    config_version   integer,          -- the assistant's configuration when the call started
    webhook_url      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL, -- placed (outbound) or arrived (inbound)
    started_at       timestamptz,          -- the call's media began: the conversation started
    ended_at         timestamptz,
    duration_ms      bigint,
    ended_reason     text,                 -- events.End* values, set once
    updated_at       timestamptz NOT NULL
);
CREATE INDEX calls_organization_idx ON calls (organization_id, created_at DESC, id DESC);
CREATE INDEX calls_assistant_idx ON calls (assistant_id, created_at DESC);
-- conversation continuity: the same caller's last call to the same assistant
CREATE INDEX calls_continuity_idx ON calls (assistant_id, customer_phone_number, ended_at DESC);
CREATE INDEX calls_customer_idx ON calls (organization_id, customer_phone_number);

-- Final transcripts, caller's and assistant's. seq numbers a call's events
-- in the order its actor published them (shared with call_events).
CREATE TABLE transcripts (
    id             bigserial PRIMARY KEY,
    call_id        bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    seq            integer NOT NULL,
    speaker        text NOT NULL CHECK (speaker IN ('user', 'assistant')),
    content        text NOT NULL,
    segment_start  double precision, -- seconds from the start of the call
    segment_end    double precision,
    confidence     double precision,
    created_at     timestamptz NOT NULL,
    UNIQUE (call_id, seq)
);

-- The conversation as the model saw it: the last history a call published.
CREATE TABLE chat_messages (
    id             bigserial PRIMARY KEY,
    call_id        bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    message_index  integer NOT NULL,
    role           text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    content        text NOT NULL,
    tool_calls     jsonb,
    tool_call_id   text,
    history_seq    integer NOT NULL, -- the seq of the history this row comes from: older ones never overwrite it
    created_at     timestamptz NOT NULL,
    UNIQUE (call_id, message_index)
);

-- Everything else a call reports: interruptions, tool calls, stage
-- timings, provider errors, speculation, backchannels, DTMF...
CREATE TABLE call_events (
    id          bigserial PRIMARY KEY,
    call_id     bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    kind        text NOT NULL,
    data        jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (call_id, seq)
);

-- Webhooks to deliver, written in the same transaction as the change that
-- causes them. dedup_key makes each one unique per call (the status, or the
-- transcript's seq), so a replay cannot enqueue it twice. The body is
-- rendered at the first attempt (so a recording finished by then is in the
-- report) and kept, so every retry sends the same bytes.
CREATE TABLE webhook_outbox (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    call_id          bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    assistant_id     bigint,
    webhook_url      text NOT NULL,
    webhook_type     text NOT NULL CHECK (webhook_type IN ('status-update', 'end-of-call-report', 'transcript')),
    dedup_key        text NOT NULL,
    data             jsonb,            -- what the writer knew (a live transcript's text)
    payload          jsonb,            -- the body, once rendered
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    delivered_at     timestamptz,
    failed_at        timestamptz,      -- gave up after the last attempt
    last_error       text,
    created_at       timestamptz NOT NULL,
    UNIQUE (call_id, webhook_type, dedup_key)
);
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_outbox_pending_call_idx ON webhook_outbox (call_id, id) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Every delivery attempt.
CREATE TABLE webhook_logs (
    id                    bigserial PRIMARY KEY,
    outbox_id             bigint NOT NULL REFERENCES webhook_outbox(id) ON DELETE CASCADE,
    call_id               bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    attempt               integer NOT NULL,
    request_headers       jsonb NOT NULL,
    response_status_code  integer,
    response_body         text,
    response_time_ms      integer NOT NULL,
    success               boolean NOT NULL,
    error_message         text,
    attempted_at          timestamptz NOT NULL,
    UNIQUE (outbox_id, attempt)
);
CREATE INDEX webhook_logs_call_idx ON webhook_logs (call_id, id);
