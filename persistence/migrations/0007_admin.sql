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
