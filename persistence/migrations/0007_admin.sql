-- API keys can expire, and are revoked rather than deleted so that what a
-- key did stays attributable. A revoked key has is_active = false too.
ALTER TABLE api_keys
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN revoked_at timestamptz;
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id, id DESC);

-- Call analytics (count, stats, analytics by period) read an organization's
-- calls in a time window: this index covers them, so a month of a large
-- organization is one index-only range scan.
CREATE INDEX calls_analytics_idx ON calls (organization_id, created_at)
    INCLUDE (status, ended_reason, duration_ms, assistant_id);

-- Administrative actions: every change made through the admin API, who
-- made it and with which key. Rows outlive the key and the user.
CREATE TABLE audit_log (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id          bigint REFERENCES users(id) ON DELETE SET NULL,
    api_key_id       bigint REFERENCES api_keys(id) ON DELETE SET NULL,
    action           text NOT NULL,  -- the operation, e.g. updateAssistant
    method           text NOT NULL,
    path             text NOT NULL,  -- the request path, ids included
    status           integer NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_organization_idx ON audit_log (organization_id, id DESC);

-- Settings history names the API key a change was made with.
ALTER TABLE assistant_settings_history
    ADD COLUMN changed_by_key bigint REFERENCES api_keys(id) ON DELETE SET NULL;

-- Turn analytics read only stage timings and interruptions of a window's
-- calls.
CREATE INDEX call_events_turns_idx ON call_events (call_id)
    WHERE kind IN ('stage-timings', 'interruption');
