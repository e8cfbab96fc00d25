-- API keys can expire, and are revoked rather than deleted so that what a
-- key did stays attributable. A revoked key has is_active = false too.
ALTER TABLE api_keys
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN revoked_at timestamptz;
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id, id DESC);
